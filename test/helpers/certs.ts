import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test certificates made on the spot with the openssl CLI (never committed): a CA, a server
 * certificate for 127.0.0.1/localhost and a client certificate, both signed by it.
 */
export interface TestPki {
  dir: string;
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signs a new server certificate (for reload tests) with a fresh CA; returns both paths. */
  issueWithNewCa(name: string): { ca: string; cert: string; key: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { ca: string; key: string } {
  const key = join(dir, `${name}.key`);
  const ca = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '2', '-subj', `/CN=${name}`], dir);
  return { ca, key };
}

function issue(dir: string, name: string, ca: { ca: string; key: string }, ext: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.ca, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extFile], dir);
  return { cert, key };
}

const SERVER_EXT = 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:switchyard.test\nextendedKeyUsage=serverAuth\n';
const CLIENT_EXT = 'extendedKeyUsage=clientAuth\n';

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pki-'));
  const ca = makeCa(dir, 'test-ca');
  const server = issue(dir, 'server', ca, SERVER_EXT);
  const client = issue(dir, 'client', ca, CLIENT_EXT);
  return {
    dir,
    ca: ca.ca,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    issueWithNewCa(name) {
      const other = makeCa(dir, `${name}-ca`);
      const s = issue(dir, name, other, SERVER_EXT);
      return { ca: other.ca, cert: s.cert, key: s.key };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
