import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/pipeline/config/errors.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';

function issuesOf(yaml: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(yaml, { env, catalog: defaultCatalog() });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected the config to be rejected');
}

const PIPELINE = `
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [debug] }
`;

describe('config errors name their path (DESIGN §4)', () => {
  it('unknown component type', () => {
    const issues = issuesOf(`receivers: { otlp: {}, zipkinx: {} }\nexporters: { debug: {} }${PIPELINE}`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'receivers.zipkinx', message: expect.stringContaining('unknown receiver type "zipkinx"'), line: 1 }));
  });

  it('unknown key', () => {
    const issues = issuesOf(`receivers:\n  otlp:\n    endpont: 127.0.0.1:4318\nexporters: { debug: {} }${PIPELINE}`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'receivers.otlp.endpont', message: 'unknown key "endpont"', line: 3 }));
  });

  it('wrong type', () => {
    const issues = issuesOf(`receivers: { otlp: {} }\nexporters:\n  debug: {}\n  otlp_http:\n    endpoint: http://127.0.0.1:1\n    sending_queue: { queue_size: lots }\n${PIPELINE}`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'exporters.otlp_http.sending_queue.queue_size', line: 6 }));
  });

  it('a pipeline naming an undefined component', () => {
    const issues = issuesOf(`receivers: { otlp: {} }\nexporters: { debug: {} }\nservice:\n  pipelines:\n    traces: { receivers: [otlp, nope], exporters: [debug, missing/one] }\n`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'service.pipelines.traces.receivers[1]', message: expect.stringContaining('"nope" is not defined') }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'service.pipelines.traces.exporters[1]', message: expect.stringContaining('"missing/one" is not defined') }));
  });

  it('an exporter that cannot carry the pipeline signal', () => {
    const issues = issuesOf(`receivers: { otlp: {} }\nexporters: { netra: { endpoint: "http://127.0.0.1:9" } }\nservice:\n  pipelines:\n    metrics: { receivers: [otlp], exporters: [netra] }\n`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'service.pipelines.metrics.exporters[0]', message: expect.stringContaining('cannot carry metrics') }));
  });

  it('two receivers claiming the same route on one endpoint', () => {
    const issues = issuesOf(`receivers:\n  otlp: { endpoint: 127.0.0.1:4318 }\n  otlp/second: { endpoint: 127.0.0.1:4318 }\nexporters: { debug: {} }\nservice:\n  pipelines:\n    traces: { receivers: [otlp, otlp/second], exporters: [debug] }\n`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'receivers.otlp/second.endpoint', message: expect.stringContaining('already served by receiver "otlp"') }));
  });

  it('an unset environment variable without default', () => {
    const issues = issuesOf(`receivers: { otlp: {} }\nexporters:\n  debug: {}\n  otlp_http: { endpoint: "\${env:UPSTREAM_URL}" }\n${PIPELINE}`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'exporters.otlp_http.endpoint', message: expect.stringContaining('UPSTREAM_URL is not set') }));
  });

  it('a malformed component id and pipeline id', () => {
    const issues = issuesOf(`receivers: { "Otlp!": {} , otlp: {} }\nexporters: { debug: {} }\nservice:\n  pipelines:\n    spans: { receivers: [otlp], exporters: [debug] }\n`);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'receivers.Otlp!' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'service.pipelines.spans', message: expect.stringContaining('traces, metrics or logs') }));
  });

  it('YAML syntax errors carry their line', () => {
    const issues = issuesOf('receivers:\n  otlp: {\n');
    expect(issues[0]!.message).toMatch(/^YAML/);
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it('reports every error at once', () => {
    const issues = issuesOf(`receivers:\n  otlp: { endpont: x }\n  bogus: {}\nexporters: { debug: { verbosity: loud } }\nservice:\n  pipelines:\n    traces: { receivers: [otlp, ghost], exporters: [debug] }\n`);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['receivers.otlp.endpont', 'receivers.bogus', 'exporters.debug.verbosity', 'service.pipelines.traces.receivers[1]']));
  });
});

describe('environment expansion', () => {
  const base = (value: string) => `receivers: { otlp: { endpoint: "${value}" } }\nexporters: { debug: {} }${PIPELINE}`;

  it('expands ${env:NAME}, ${NAME} and defaults after parsing', () => {
    const env = { HOST: '127.0.0.1', PORT: '4999' };
    expect(parseConfig(base('${env:HOST}:${PORT}'), { env, catalog: defaultCatalog() }).receivers.get('otlp')!.config.endpoint).toBe('127.0.0.1:4999');
    expect(parseConfig(base('${env:NOHOST:-localhost}:1234'), { env, catalog: defaultCatalog() }).receivers.get('otlp')!.config.endpoint).toBe('localhost:1234');
  });

  it('keeps $$ as a literal $ and never re-parses values as YAML', () => {
    const yaml = `receivers: { otlp: {} }\nexporters:\n  debug: {}\n  otlp_http: { endpoint: "http://127.0.0.1:1", headers: { x-token: "a$$b \${env:V}" } }\n${PIPELINE}`;
    const cfg = parseConfig(yaml, { env: { V: '{ not: yaml }' }, catalog: defaultCatalog() });
    expect(cfg.exporters.get('otlp_http')!.config.headers).toEqual({ 'x-token': 'a$b { not: yaml }' });
  });

  it('applies defaults of every component', () => {
    const cfg = parseConfig(`receivers: { otlp: {} }\nexporters: { debug: {} }${PIPELINE}`, { env: {}, catalog: defaultCatalog() });
    const r = cfg.receivers.get('otlp')!.config;
    expect(r.endpoint).toBe('127.0.0.1:4318');
    expect(r.max_request_body_size).toBeGreaterThan(0);
    expect(cfg.exporters.get('debug')!.config.retry_on_failure.max_elapsed_time).toBe(300_000);
  });
});
