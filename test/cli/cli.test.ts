import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

describe('switchyard CLI', () => {
  it('prints its version and help, exit 0', () => {
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^switchyard \d+\.\d+\.\d+/);
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('switchyard validate --config FILE');
  });

  it('exits 2 on a usage error', () => {
    expect(runCli(['frobnicate']).code).toBe(2);
    expect(runCli(['--no-such-flag']).code).toBe(2);
    expect(runCli(['validate']).code).toBe(2);
  });

  it('validate passes on every file in config/', () => {
    const files = readdirSync(`${ROOT}/config`).filter((f) => /\.ya?ml$/.test(f)).map((f) => `config/${f}`);
    expect(files.length).toBeGreaterThan(0);
    const r = runCli(['validate', ...files.flatMap((f) => ['--config', f])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of files) expect(r.stdout).toContain(`${f}: ok`);
  });

  it('validate lists every error of a broken file and exits 1', () => {
    const r = runCli(['validate', '--config', 'test/fixtures/broken.yaml']);
    expect(r.code).toBe(1);
    for (const path of [
      'receivers.otlp.endpont (line 4)',
      'receivers.zipkinx (line 5)',
      'exporters.debug.verbosity',
      'exporters.netra.api_key',
      'service.pipelines.traces.receivers[1]',
      'service.pipelines.metrics.exporters[0]',
    ]) expect(r.stderr).toContain(path);
  });

  it('run exits 1 with the errors on a bad config', () => {
    const r = runCli(['run', '--config', 'test/fixtures/broken.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('receivers.zipkinx');
  });
});
