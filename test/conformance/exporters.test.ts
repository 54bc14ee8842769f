import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFormats, findFormat } from '../../src/formats/registry.js';
import type { ExporterDefinition, OutboundRequest, RequestInfo } from '../../src/formats/types.js';
import { countItems, type Signal, type Telemetry } from '../../src/model/index.js';
import { defaultCatalog } from '../../src/pipeline/components.js';
import { parseConfig } from '../../src/pipeline/config/load.js';
import { eventually, startSwitchyard, type Harness } from '../helpers/harness.js';
import { selfMetric } from '../helpers/self-metrics.js';
import { neatlogsBatchProblem } from '../standins/neatlogs.js';
import { netraLineProblem } from '../standins/netra.js';
import { deepFreeze, distributionPoints, itemsOf, seededRng, type SpanOptions } from './model-inputs.js';
import { startScriptedSink, type ScriptedSink } from './scripted-sink.js';

/**
 * One suite, every exporter of the format registry: the promises an exporter makes whatever its
 * target. Adding a vendor means its folder, its registry line, an entry in FIXTURES below and its
 * stand-in; the suite refuses to run without the entry.
 */

const SEED = Number(process.env.CONFORMANCE_SEED ?? 0x5eed14);
const seedNote = `seed ${SEED} (replay with CONFORMANCE_SEED=${SEED})`;

const CHECKS = [
  'never mutates its input',
  'respects the target limits',
  'items in = sent + skipped',
  'items in = sent + skipped, distributions',
  'retries 429 no sooner than Retry-After',
  'retries 503 no sooner than Retry-After',
  'dead-letters 400 without retrying',
  'handles 500 as its protocol says',
] as const;
type Check = (typeof CHECKS)[number];

const NO_HTTP = 'no HTTP: the debug exporter writes JSON lines to stdout or a file';

const GRPC = 'gRPC, not HTTP statuses: OTLP/gRPC answers are judged in test/e2e/otlp-grpc-exporter.test.ts (UNAVAILABLE + RetryInfo retried, INVALID_ARGUMENT dead-lettered)';

/** Checks that do not apply to a format, with the reason (Hono's skip lists). */
const SKIPS: Record<string, Partial<Record<Check, string>>> = {
  otlp: {
    'retries 429 no sooner than Retry-After': GRPC,
    'retries 503 no sooner than Retry-After': GRPC,
    'dead-letters 400 without retrying': GRPC,
    'handles 500 as its protocol says': GRPC,
  },
  debug: {
    'respects the target limits': 'no target, hence no documented request limit',
    'retries 429 no sooner than Retry-After': NO_HTTP,
    'retries 503 no sooner than Retry-After': NO_HTTP,
    'dead-letters 400 without retrying': NO_HTTP,
    'handles 500 as its protocol says': NO_HTTP,
  },
};

/**
 * Checks that fail today because of a known product bug: run with `it.fails`, so that the fix
 * makes the suite fail until the entry is removed.
 */
const KNOWN_FAILURES: Record<string, Partial<Record<Check, string>>> = {
  prometheus_remote_write: {
    'items in = sent + skipped, distributions': 'requests count samples, not data points: a histogram point is sent as n+2 series and counted n+2 times',
  },
  infrasage: {
    'items in = sent + skipped, distributions': 'requests count records, not data points: a histogram point is sent as _bucket/_sum/_count records and counted once each',
  },
};

interface LimitContext {
  signal: Signal;
  /** The exporter's validated config (defaults applied), as the exporter gets it. */
  config: Record<string, unknown>;
  /** The batch that was encoded. */
  input: Telemetry;
}

interface ExporterFixture {
  /** The format's own exporter keys (the suite adds endpoint, api_key, retry and dead letters). */
  config?: Record<string, unknown>;
  /** The vendor's documented success status. */
  okStatus: number;
  /** Items in the large batch per signal, large enough that the target's limits force a split. */
  largeItems: number;
  /** Shape of the generated spans (large batch). */
  spans?: SpanOptions;
  /** The target's documented limits (docs in /work/shared/vendor-apis/): what is wrong with one request. */
  requestProblems?(req: OutboundRequest, ctx: LimitContext): string[];
}

const MB = 1_000_000;
const bytesOf = (body: OutboundRequest['body']) => (typeof body === 'string' ? Buffer.byteLength(body) : body.length);
const text = (body: OutboundRequest['body']) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
const jsonOf = (req: OutboundRequest): unknown => JSON.parse(text(req.body));

/** Decodes a request with the same format's receiver, where it has one: the strictest reader we own. */
function decodeWithReceiver(type: string, req: OutboundRequest): { accepted: number; telemetry: Telemetry } {
  const route = findFormat(type)!.receiver!.routes.find((r) => r.decode)!;
  const headers: Record<string, string> = { 'content-type': req.contentType, ...(req.headers ?? {}) };
  const info: RequestInfo = { method: 'POST', path: route.path, mediaType: req.contentType, contentType: req.contentType, headers };
  const body = Buffer.from(typeof req.body === 'string' ? Buffer.from(req.body) : req.body);
  return route.decode!(body, info, { maxJsonDepth: 64, maxStringLength: 64 * MB, maxItems: Number.MAX_SAFE_INTEGER, maxDecompressedBytes: 256 * MB });
}

/** Per format: its data and its target's limits. Keys must be exactly the registry's exporters. */
const FIXTURES: Record<string, ExporterFixture> = {
  netra: {
    okStatus: 202,
    largeItems: 1500,
    // llm_only (the default) sends only LLM operations: tool and HTTP spans are its skipped items.
    spans: { contentBytes: 5000, nonLlmEvery: 5 },
    requestProblems(req) {
      const p: string[] = [];
      if (bytesOf(req.body) > 5 * MB) p.push(`uncompressed body of ${bytesOf(req.body)} bytes is over Netra's 5 MB`);
      if (req.contentType !== 'application/x-ndjson') p.push(`content type ${req.contentType}`);
      text(req.body).split('\n').filter((l) => l.trim()).forEach((l, i) => {
        const problem = netraLineProblem(JSON.parse(l));
        if (problem) p.push(`line ${i + 1}: ${problem}`);
      });
      return p;
    },
  },
  neatlogs: {
    okStatus: 202,
    largeItems: 600,
    spans: { contentBytes: 2000, workflows: ['checkout-assistant', 'refund-agent', 'triage'] },
    requestProblems(req, { input }) {
      const p: string[] = [];
      if (bytesOf(req.body) > MB) p.push(`body of ${bytesOf(req.body)} bytes is over Neatlogs' 1 MB`);
      const batch = jsonOf(req) as { workflow_name: string; spans: { span_id: string }[] };
      const problem = neatlogsBatchProblem(batch);
      if (problem) p.push(problem);
      // One workflow_name per request: every span in it belongs to that workflow.
      const workflowOf = new Map<string, unknown>();
      for (const r of input.traces ?? []) for (const ss of r.scopeSpans) for (const s of ss.spans) workflowOf.set(s.spanId, s.attributes['gen_ai.workflow.name']);
      for (const s of batch.spans ?? []) {
        if (workflowOf.get(s.span_id) !== batch.workflow_name) p.push(`span ${s.span_id} of workflow ${String(workflowOf.get(s.span_id))} sent under ${batch.workflow_name}`);
      }
      return p;
    },
  },
  foglamp: {
    okStatus: 200,
    largeItems: 2500,
    spans: { spansPerTrace: 1 },
    requestProblems(req) {
      const doc = jsonOf(req) as { version?: unknown; traces?: unknown[] };
      const n = Array.isArray(doc.traces) ? doc.traces.length : -1;
      return n >= 1 && n <= 1000 && doc.version === 'v1' ? [] : [`${n} traces (Foglamp takes 1–1000), version ${String(doc.version)}`];
    },
  },
  infrasage: {
    okStatus: 200,
    largeItems: 21_000,
    requestProblems(req) {
      const doc = jsonOf(req);
      if (!Array.isArray(doc)) return ['body is not a JSON array of records'];
      return doc.length >= 1 && doc.length <= 10_000 ? [] : [`${doc.length} records (InfraSage takes up to 10,000)`];
    },
  },
  keywordsai: {
    okStatus: 200,
    config: { max_logs_per_request: 200 },
    largeItems: 700,
    requestProblems(req, { config }) {
      const doc = jsonOf(req);
      if (!Array.isArray(doc) || doc.length === 0) return ['body is not a non-empty JSON array of logs'];
      return doc.length <= (config.max_logs_per_request as number) ? [] : [`${doc.length} logs, over max_logs_per_request`];
    },
  },
  prometheus_remote_write: {
    okStatus: 204,
    config: { max_samples_per_send: 500 },
    largeItems: 1600,
    requestProblems(req, { config }) {
      // The format's own remote-write receiver reads the snappy protobuf back: samples counted, not trusted.
      const samples = decodeWithReceiver('prometheus_remote_write', req).accepted;
      return samples <= (config.max_samples_per_send as number) ? [] : [`${samples} samples, over max_samples_per_send`];
    },
  },
  otlp_http: {
    okStatus: 200,
    config: { max_request_bytes: 64 * 1024 },
    largeItems: 1500,
    requestProblems(req, { config, signal }) {
      const p: string[] = [];
      if (bytesOf(req.body) > (config.max_request_bytes as number)) p.push(`body of ${bytesOf(req.body)} bytes, over max_request_bytes`);
      if (req.path !== `/v1/${signal}`) p.push(`path ${req.path}`);
      if (req.contentType !== 'application/x-protobuf') p.push(`content type ${req.contentType}`);
      return p;
    },
  },
  otlp: {
    okStatus: 200,
    config: { max_request_bytes: 64 * 1024 },
    largeItems: 1500,
    requestProblems(req, { config, signal }) {
      const p: string[] = [];
      if (bytesOf(req.body) > (config.max_request_bytes as number)) p.push(`message of ${bytesOf(req.body)} bytes, over max_request_bytes`);
      if (req.path !== `/v1/${signal}`) p.push(`path ${req.path} (names the Export method)`);
      if (req.contentEncoding) p.push('compressed by the encoder: grpc-js compresses each message itself');
      return p;
    },
  },
  debug: {
    okStatus: 200,
    largeItems: 500,
  },
};

const exporters = allFormats().filter((f): f is typeof f & { exporter: ExporterDefinition } => !!f.exporter);

/** The exporter's config exactly as the loader validates it: format keys plus every default. */
function validatedConfig(type: string, signal: Signal): Record<string, unknown> {
  const yaml = JSON.stringify({
    receivers: { otlp: { endpoint: '127.0.0.1:0' } },
    exporters: { [type]: { endpoint: 'http://127.0.0.1:9', api_key: 'conformance-key', ...(FIXTURES[type]!.config ?? {}) } },
    service: { pipelines: { [signal]: { receivers: ['otlp'], exporters: [type] } } },
  });
  return parseConfig(yaml, { env: {}, catalog: defaultCatalog() }).exporters.get(type)!.config as Record<string, unknown>;
}

function encodeCounting(def: ExporterDefinition, data: Telemetry, config: Record<string, unknown>) {
  let skipped = 0;
  const requests = def.encode(data, { config, note: (event, n) => void (event === 'skipped' && (skipped += n)) });
  return { requests, skipped };
}

/** `it`, `it.skip` (reason in the title) or `it.fails` (known bug), from the lists above. */
function check(type: string, name: Check, fn: () => Promise<void> | void, timeout?: number): void {
  const skip = SKIPS[type]?.[name];
  const known = KNOWN_FAILURES[type]?.[name];
  if (skip) it.skip(`${name} — skipped: ${skip}`, fn);
  else if (known) it.fails(`${name} — known failure: ${known}`, fn, timeout);
  else it(name, fn, timeout);
}

describe('the skip lists and fixtures', () => {
  it('every exporter in the registry has a fixture, and every fixture an exporter', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(exporters.map((f) => f.type).sort());
  });

  it('every skip and known failure names an existing exporter, an existing check and a reason', () => {
    for (const [type, entries] of [...Object.entries(SKIPS), ...Object.entries(KNOWN_FAILURES)]) {
      expect(findFormat(type)?.exporter, `${type} is an exporter`).toBeDefined();
      for (const [name, reason] of Object.entries(entries)) {
        expect(CHECKS as readonly string[], `${type}: check "${name}"`).toContain(name);
        expect(reason?.trim().length, `${type}: reason for "${name}"`).toBeGreaterThan(10);
        expect(SKIPS[type]?.[name as Check] && KNOWN_FAILURES[type]?.[name as Check], `${type}: "${name}" both skipped and known`).toBeFalsy();
      }
    }
  });

  it('every exporter without a request-limit skip has a limit check', () => {
    for (const f of exporters) {
      if (!SKIPS[f.type]?.['respects the target limits']) expect(FIXTURES[f.type]!.requestProblems, f.type).toBeTypeOf('function');
    }
  });
});

describe.each(exporters.map((f) => [f.type, f.exporter] as const))('%s exporter', (type, def) => {
  const fx = FIXTURES[type]!;
  const sample = (signal: Signal) => itemsOf(signal, 3, seededRng(SEED), { workflows: ['checkout-assistant'] });
  const large = (signal: Signal) => itemsOf(signal, fx.largeItems, seededRng(SEED + 1), fx.spans);
  // The large batch of a signal, encoded once for the limit and the counting checks.
  const encodedLarge = new Map<Signal, { input: Telemetry; config: Record<string, unknown> } & ReturnType<typeof encodeCounting>>();
  const largeEncoded = (signal: Signal) => {
    let e = encodedLarge.get(signal);
    if (!e) {
      const input = large(signal);
      const config = validatedConfig(type, signal);
      encodedLarge.set(signal, (e = { input, config, ...encodeCounting(def, input, config) }));
    }
    return e;
  };

  check(type, 'never mutates its input', () => {
    for (const signal of def.signals) {
      const config = validatedConfig(type, signal);
      const medium = itemsOf(signal, 200, seededRng(SEED + 2), fx.spans);
      for (const input of [sample(signal), medium, ...(signal === 'metrics' ? [distributionPoints(30, seededRng(SEED))] : [])]) {
        const before = structuredClone(input);
        deepFreeze(input);
        // A write to a frozen object throws in strict mode; the comparison catches bytes too.
        const requests = def.encode(input, { config, note: () => {} });
        expect(requests.length, `${signal}: encoded something`).toBeGreaterThan(0);
        expect(structuredClone(input), `${signal} input unchanged, ${seedNote}`).toStrictEqual(before);
      }
    }
  });

  check(type, 'respects the target limits', () => {
    for (const signal of def.signals) {
      const { input, config, requests } = largeEncoded(signal);
      // The batch is large enough that the limits matter: one request would break them.
      expect(requests.length, `${signal}: the large batch was split, ${seedNote}`).toBeGreaterThan(1);
      const problems = requests.flatMap((r, i) => fx.requestProblems!(r, { signal, config, input }).map((p) => `${signal} request ${i}: ${p}`));
      expect(problems, seedNote).toEqual([]);
    }
  });

  check(type, 'items in = sent + skipped', () => {
    for (const signal of def.signals) {
      const { input, requests, skipped } = largeEncoded(signal);
      const sent = requests.reduce((n, r) => n + r.items, 0);
      expect(sent + skipped, `${signal}: sent ${sent} + skipped ${skipped}, ${seedNote}`).toBe(countItems(input, signal));
      expect(sent, `${signal}: something was sent`).toBeGreaterThan(0);
    }
  });

  if (def.signals.includes('metrics')) {
    check(type, 'items in = sent + skipped, distributions', () => {
      const input = distributionPoints(300, seededRng(SEED));
      const { requests, skipped } = encodeCounting(def, input, validatedConfig(type, 'metrics'));
      const sent = requests.reduce((n, r) => n + r.items, 0);
      expect(sent + skipped, `sent ${sent} + skipped ${skipped}, ${seedNote}`).toBe(countItems(input, 'metrics'));
    });
  }

  describe('over HTTP, through the running service', () => {
    const signal = def.signals[0]!;
    const input = sample(signal);
    const items = countItems(input, signal);
    const otlpRetries500 = type === 'otlp_http' ? false : true;
    let sink: ScriptedSink;
    let h: Harness;
    const skipAll = !!SKIPS[type]?.['retries 429 no sooner than Retry-After'];

    beforeAll(async () => {
      if (skipAll) return;
      // The sample is one request, so "the sink saw one request" means "not retried".
      expect(def.encode(sample(signal), { config: validatedConfig(type, signal) }).length).toBe(1);
      sink = await startScriptedSink();
      const thenOk = (first: { status: number; headers?: Record<string, string> }) => (n: number) => (n === 0 ? first : { status: fx.okStatus });
      sink.script.set('r429', thenOk({ status: 429, headers: { 'retry-after': '1' } }));
      sink.script.set('r503', thenOk({ status: 503, headers: { 'retry-after': '1' } }));
      sink.script.set('r400', () => ({ status: 400 }));
      sink.script.set('r500', otlpRetries500 ? thenOk({ status: 500 }) : () => ({ status: 500 }));
      const exporter = (route: string) => ({
        endpoint: `${sink.url}/${route}`,
        api_key: 'conformance-key',
        ...(fx.config ?? {}),
        // A short backoff, so that only Retry-After can explain a wait of a second.
        retry_on_failure: { initial_interval: '20ms', max_interval: '50ms', max_elapsed_time: '5s' },
        sending_queue: { num_consumers: 1 },
        dead_letter_path: `$DIR/dlq-${route}.jsonl`,
      });
      const routes = ['r429', 'r503', 'r400', 'r500'];
      const yaml = JSON.stringify({
        receivers: { otlp: { endpoint: '127.0.0.1:0' } },
        exporters: Object.fromEntries(routes.map((r) => [`${type}/${r}`, exporter(r)])),
        processors: { batch: { send_batch_size: 1000, timeout: '20ms' } },
        service: {
          telemetry: { endpoint: '127.0.0.1:0' },
          pipelines: { [signal]: { receivers: ['otlp'], processors: ['batch'], exporters: routes.map((r) => `${type}/${r}`) } },
        },
      });
      h = await startSwitchyard(yaml);
      const res = await fetch(`${h.service.receiverUrl('otlp')}/v1/${signal}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: findFormat('otlp')!.translate!.encode(input),
      });
      expect(res.status).toBe(200);
    });
    afterAll(async () => {
      await h?.close();
      await sink?.close();
    });

    const deadLetters = (route: string): Record<string, unknown>[] => {
      try {
        return readFileSync(`${h.dir}/dlq-${route}.jsonl`, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    };

    const retriedAfterRetryAfter = async (route: string) => {
      const [refused, retry] = await eventually(() => {
        const a = sink.of(route);
        return a.length >= 2 && a[1]!.status === fx.okStatus ? a : undefined;
      }, 15_000, `${route}: a retry that is accepted`);
      // Retry-After: 1 counts from the answer; timers may fire a few ms early, never late-bounded.
      expect(retry!.arrivedAt - refused!.answeredAt).toBeGreaterThanOrEqual(1000 - 5);
      expect(deadLetters(route)).toEqual([]);
      expect(await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_sent_items_total', { exporter: `${type}/${route}`, signal })).toBe(items);
    };

    const lettered = (route: string) => deadLetters(route).reduce((n, l) => n + (l.items as number), 0);

    /** 500 (OTLP): one request, never retried, dead-lettered whole. */
    const deadLetteredOnce = async (route: string, status: number) => {
      const [letter] = await eventually(() => (deadLetters(route).length ? deadLetters(route) : undefined), 15_000, `${route}: a dead letter`);
      expect(letter).toMatchObject({ exporter: `${type}/${route}`, status, items });
      expect(await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: `${type}/${route}`, reason: `http_${status}` })).toBe(items);
      // The dead letter is written after the last attempt, so this count is final.
      expect(sink.of(route).map((a) => a.status)).toEqual([status]);
    };

    /**
     * 400: never retried as such, but narrowed (halves resent) so that only what the target
     * refuses is dead-lettered: here the target refuses everything, so every item ends in a
     * letter with the status, and no request is ever sent twice (at most 2n-1 requests).
     */
    const deadLetteredNarrowed = async (route: string, status: number) => {
      await eventually(() => lettered(route) === items, 15_000, `${route}: every item dead-lettered`);
      for (const l of deadLetters(route)) expect(l).toMatchObject({ exporter: `${type}/${route}`, status });
      expect(await selfMetric(h.service.telemetryUrl!, 'switchyard_exporter_dead_lettered_items_total', { exporter: `${type}/${route}`, reason: `http_${status}` })).toBe(items);
      const statuses = sink.of(route).map((a) => a.status);
      expect(statuses.every((s) => s === status)).toBe(true);
      expect(statuses.length).toBeLessThanOrEqual(Math.max(1, 2 * items - 1));
    };

    check(type, 'retries 429 no sooner than Retry-After', () => retriedAfterRetryAfter('r429'), 30_000);
    check(type, 'retries 503 no sooner than Retry-After', () => retriedAfterRetryAfter('r503'), 30_000);
    check(type, 'dead-letters 400 without retrying', () => deadLetteredNarrowed('r400', 400), 30_000);
    check(
      type,
      'handles 500 as its protocol says',
      async () => {
        if (!otlpRetries500) return deadLetteredOnce('r500', 500); // OTLP/HTTP retries only 429, 502, 503, 504
        await eventually(() => sink.of('r500').some((a) => a.status === fx.okStatus), 15_000, 'r500: retried and accepted');
        expect(sink.of('r500').map((a) => a.status)).toEqual([500, fx.okStatus]);
        expect(deadLetters('r500')).toEqual([]);
      },
      30_000,
    );
  });
});
