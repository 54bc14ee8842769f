/**
 * Config loading is bounded: `switchyard validate` (the real CLI) takes a 4 MiB config in time
 * linear in its size, refuses an oversized file before reading it, refuses an alias bomb and
 * nesting deeper than the parser can take, and names the file in every error. Duplicate keys
 * are still reported (by a linear check) with their line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';

const BASE = `receivers:
  otlp: {}
exporters:
  debug: {}
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`;

function validate(file: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'validate', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('config loading bounds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-bounds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('validates a 4 MiB config (a mapping of 150 000 keys) in linear time', async () => {
    const parts = [BASE, 'extensions:\n  big:\n'];
    let len = parts.join('').length;
    for (let i = 0; len < 4 * 1024 * 1024; i++) {
      const line = `    key_${i}: value ${i}\n`;
      parts.push(line);
      len += line.length;
    }
    const file = write('big.yaml', parts.join(''));
    const r = await validate(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('refuses an oversized file before reading it, naming the file', async () => {
    const file = write('huge.yaml', BASE + '#' + 'x'.repeat(9 * 1024 * 1024) + '\n');
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/at most \d+ bytes/);
  }, 60_000);

  it('refuses an alias bomb, naming the file', async () => {
    const levels = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
    const file = write('bomb.yaml', `${BASE}extensions:\n${levels.join('\n')}\n`);
    const r = await validate(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/alias/i);
  }, 60_000);

  for (const [name, nested] of [
    ['flow collections', `  x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`],
    ['sequence entries on one line', `  x:\n    ${'- '.repeat(20_000)}a\n`],
    ['block mappings', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n') + '\n'],
  ] as const) {
    it(`refuses nesting deeper than the limit (${name}), naming the file`, async () => {
      const file = write(`deep-${name.replaceAll(' ', '-')}.yaml`, `${BASE}extensions:\n${nested}`);
      const r = await validate(file);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/nests deeper than \d+ levels/);
    }, 60_000);
  }

  it('still reports a duplicate key with its line, and accepts brackets inside scalars', async () => {
    const dup = write('dup.yaml', `${BASE}extensions:\n  a: 1\n  b: 2\n  a: 3\n`);
    const r = await validate(dup);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(dup);
    expect(r.stderr).toMatch(/line 11\).*"a" is repeated/);
    const ok = write('ok.yaml', `${BASE}extensions:\n  a: "[x"\n  b: a[b {c\n  c: [1, [2, {x: [3]}]]\n  d:\n    - - - 1\n`);
    expect((await validate(ok)).code).toBe(0);
  }, 60_000);
});
