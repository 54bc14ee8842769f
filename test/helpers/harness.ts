import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';
import { startService, type RunningService, type ServiceOptions } from '../../src/service.js';

export interface Harness {
  service: RunningService;
  dir: string;
  close(): Promise<void>;
}

/** Starts Switchyard in-process from YAML text, with a silent logger and a scratch data dir. */
export async function startSwitchyard(yaml: string, opts: { env?: NodeJS.ProcessEnv } & ServiceOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const config = parseConfig(yaml.replaceAll('$DIR', dir), { env: opts.env ?? {}, catalog: opts.catalog ?? defaultCatalog() });
  const service = await startService(config, { logger: pino({ level: 'silent' }), dataDir: dir, ...opts });
  return {
    service,
    dir,
    async close() {
      await service.shutdown(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Ports handed out by this test process. The kernel hands a just-closed ephemeral port out again
 * readily, so two calls in a row could return the same one (it happened: two receivers of one
 * config on one port); a port is never returned twice.
 */
const handedOut = new Set<number>();

/** A port that was free a moment ago, for configs that need two distinct listeners. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as import('node:net').AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
