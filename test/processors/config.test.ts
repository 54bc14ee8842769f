import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/pipeline/config/errors.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';

const base = (processors: string) => `
receivers:
  otlp: { endpoint: 127.0.0.1:4318 }
processors:
${processors}
exporters:
  debug: { verbosity: normal }
service:
  pipelines:
    traces: { receivers: [otlp], processors: [], exporters: [debug] }
`;

describe('processors through the config loader', () => {
  it('accepts every processor with a realistic config', () => {
    expect(() => parseConfig(base(`
  genai_normalize:
  genai_cost: { prices: { my-model: { input: 1, output: 2 } } }
  redaction: { label: true, block_keys: [db.statement] }
  attributes: { actions: [{ key: env, action: upsert, value: prod }] }
  resource: { attributes: [{ key: host.ip, action: delete }] }
  filter: { traces: { span: ['name == "health"'] } }
`), { env: {}, catalog: defaultCatalog() })).not.toThrow();
  });
  it('reports a bad filter expression at its path and line', () => {
    let err: unknown;
    try {
      parseConfig(base(`
  filter/noise:
    traces:
      span:
        - 'name == "ok"'
        - 'name = "health"'
`), { env: {}, catalog: defaultCatalog() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as Error).message + JSON.stringify((err as ConfigError & { issues?: unknown }).issues ?? '');
    expect(text).toContain("processors.filter/noise.traces.span[1] (line 10)");
    expect(text).toMatch(/use "==" to compare/);
  });
});
