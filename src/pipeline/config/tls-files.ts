/**
 * Checks, at load time (so `switchyard validate` reports it), that every TLS file a config names
 * exists and parses: certificates and CAs as PEM X.509, keys as PEM private keys.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

type Kind = 'cert' | 'key';
const KINDS: Record<string, Kind> = { cert_file: 'cert', key_file: 'key', client_ca_file: 'cert', ca_file: 'cert' };

/** Problems of one `tls` block, as [key, message]; never includes file contents. */
export function tlsFileProblems(tls: Record<string, unknown> | undefined): [string, string][] {
  if (!tls) return [];
  const out: [string, string][] = [];
  for (const [key, kind] of Object.entries(KINDS)) {
    const file = tls[key];
    if (typeof file !== 'string') continue;
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (e) {
      out.push([key, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
      continue;
    }
    try {
      if (kind === 'cert') new X509Certificate(text);
      else createPrivateKey(text);
    } catch {
      out.push([key, `${file} is not a PEM ${kind === 'cert' ? 'certificate' : 'private key'}`]);
    }
  }
  return out;
}
