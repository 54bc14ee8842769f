import { describe, expect, it } from 'vitest';
import { classifyAnswer, isRetryableStatus } from '../../src/export/classify.js';
import { compressLayer } from '../../src/export/compress-layer.js';
import { retryDelay, retryLayer, nextInterval } from '../../src/export/retry-layer.js';
import { stack, type Outcome, type Sender } from '../../src/export/sender.js';
import { timeoutLayer } from '../../src/export/timeout-layer.js';
import { parseRetryAfter } from '../../src/export/retry-after.js';
import type { OutboundRequest, SendResult, Transport } from '../../src/formats/types.js';
import { gunzipSync } from 'node:zlib';

const REQ: OutboundRequest = { path: '/x', contentType: 'application/json', body: '{"a":1}', items: 3 };
const policy = { enabled: true, initial_interval: 10, max_interval: 40, multiplier: 2, randomization_factor: 0, max_elapsed_time: 10_000 };

/** A transport that answers from a script and records each attempt. */
function scripted(answers: (SendResult | Error)[]): Transport & { attempts: OutboundRequest[]; signals: AbortSignal[] } {
  const t = {
    attempts: [] as OutboundRequest[],
    signals: [] as AbortSignal[],
    async send(req: OutboundRequest, signal?: AbortSignal): Promise<SendResult> {
      t.attempts.push(req);
      if (signal) t.signals.push(signal);
      const a = answers[Math.min(t.attempts.length - 1, answers.length - 1)]!;
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return t;
}

const live = () => new AbortController().signal;

describe('classifyAnswer: the one status classifier', () => {
  it('2xx ok; 408, 429, 5xx retry with Retry-After; other 4xx reject, with the target text', () => {
    const ans = (status: number, headers: Record<string, string> = {}, body = '') => classifyAnswer({ status, headers, body: Buffer.from(body) }, REQ);
    expect(ans(202)).toEqual({ kind: 'ok' });
    expect(ans(429, { 'retry-after': '3' })).toEqual({ kind: 'retry', status: 429, reason: 'HTTP 429', retryAfterMs: 3000 });
    for (const s of [408, 500, 502, 503, 504]) expect(ans(s).kind).toBe('retry');
    for (const s of [400, 401, 403, 404, 409, 413, 422]) expect(ans(s)).toMatchObject({ kind: 'reject', status: s });
    expect(ans(400, {}, '  bad\n field ')).toMatchObject({ reason: 'HTTP 400: bad field' });
    expect([200, 408, 429, 500, 404].map(isRetryableStatus)).toEqual([false, true, true, true, false]);
  });
  it('never follows a redirect, and says so', () => {
    const out = classifyAnswer({ status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' }, body: Buffer.alloc(0) }, REQ);
    expect(out).toEqual({ kind: 'reject', status: 307, reason: 'HTTP 307: redirect to http://127.0.0.1:9/elsewhere not followed' });
  });
  it('a format overrides the retryable set and reads per-item refusals', () => {
    const rules = { retryableStatuses: new Set([503]), refusedItems: () => ({ count: 2, byIndex: [{ index: 0, reason: 'x' }, { index: 2, reason: 'y' }] }) };
    expect(classifyAnswer({ status: 500, headers: {}, body: Buffer.alloc(0) }, REQ, rules).kind).toBe('reject');
    expect(classifyAnswer({ status: 503, headers: {}, body: Buffer.alloc(0) }, REQ, rules).kind).toBe('retry');
    expect(classifyAnswer({ status: 200, headers: {}, body: Buffer.alloc(0) }, REQ, rules)).toEqual({ kind: 'partial', rejected: rules.refusedItems() });
  });
  it('parses Retry-After as seconds or an HTTP date, and ignores garbage', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(new Date(10_000 + 7000).toUTCString(), 10_000)).toBe(7000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('retry layer', () => {
  it('grows the interval by multiplier up to max_interval', () => {
    const seen: number[] = [];
    let i = policy.initial_interval;
    for (let n = 0; n < 5; n++) (seen.push(i), (i = nextInterval(i, policy)));
    expect(seen).toEqual([10, 20, 40, 40, 40]);
  });
  it('jitters within ±randomization_factor and never below Retry-After', () => {
    expect(retryDelay(100, 0.5, undefined, () => 0)).toBe(50);
    expect(retryDelay(100, 0.5, undefined, () => 0.999999)).toBeCloseTo(150, 3);
    expect(retryDelay(100, 0.5, 2000, () => 0.5)).toBe(2000);
    expect(retryDelay(100, 0, undefined, () => 0.9)).toBe(100);
  });
  it('retries what is retryable, then returns the answer; delays follow the policy', async () => {
    const t = scripted([{ kind: 'retry', reason: 'busy', status: 503 }, { kind: 'retry', reason: 'busy', status: 503 }, { kind: 'ok' }]);
    const delays: number[] = [];
    const s = stack(t, retryLayer(policy, { onRetry: (_r, _s, _a, d) => delays.push(d) }));
    expect(await s.send(REQ, live())).toEqual({ kind: 'ok' });
    expect(t.attempts).toHaveLength(3);
    expect(delays).toEqual([10, 20]);
  });
  it('never retries a reject', async () => {
    const t = scripted([{ kind: 'reject', reason: 'HTTP 400', status: 400 }]);
    expect(await stack(t, retryLayer(policy)).send(REQ, live())).toMatchObject({ kind: 'reject' });
    expect(t.attempts).toHaveLength(1);
  });
  it('gives up when the next wait would pass max_elapsed_time, with the last reason', async () => {
    const t = scripted([{ kind: 'retry', reason: 'HTTP 503', status: 503 }]);
    const out = await stack(t, retryLayer({ ...policy, max_elapsed_time: 50 })).send(REQ, live());
    expect(out).toMatchObject({ kind: 'gave_up', status: 503 });
    expect((out as { reason: string }).reason).toMatch(/gave up after \d+ attempts .*HTTP 503/);
    expect(t.attempts.length).toBeGreaterThanOrEqual(2);
  });
  it('max_elapsed_time 0 retries for ever (the Collector meaning)', async () => {
    const answers: SendResult[] = Array.from({ length: 30 }, () => ({ kind: 'retry', reason: 'busy' }) as SendResult);
    const t = scripted([...answers, { kind: 'ok' }]);
    const out = await stack(t, retryLayer({ ...policy, initial_interval: 1, max_interval: 1, max_elapsed_time: 0 })).send(REQ, live());
    expect(out).toEqual({ kind: 'ok' });
    expect(t.attempts).toHaveLength(31);
  });
  it('enabled: false gives up on the first retryable answer', async () => {
    const t = scripted([{ kind: 'retry', reason: 'busy', status: 503 }]);
    expect(await stack(t, retryLayer({ ...policy, enabled: false })).send(REQ, live())).toMatchObject({ kind: 'gave_up' });
    expect(t.attempts).toHaveLength(1);
  });
  it('a shutdown cuts a wait short and ends as aborted', async () => {
    const t = scripted([{ kind: 'retry', reason: 'busy', retryAfterMs: 60_000 }]);
    const stop = new AbortController();
    const pending = stack(t, retryLayer({ ...policy, max_elapsed_time: 0 })).send(REQ, stop.signal);
    setTimeout(() => stop.abort(), 20);
    expect(await pending).toMatchObject({ kind: 'aborted' });
  });
});

describe('timeout layer', () => {
  const never: Transport = {
    send: (_r, signal) => new Promise((_res, rej) => signal?.addEventListener('abort', () => rej(new Error('aborted')), { once: true })),
  };
  it('turns an attempt that outlives the timeout into a retryable result', async () => {
    expect(await stack(never, timeoutLayer(30)).send(REQ, live())).toMatchObject({ kind: 'retry', reason: expect.stringContaining('timed out after 30 ms') });
  });
  it('passes the shutdown abort into the attempt: aborted, not retryable', async () => {
    const stop = new AbortController();
    const p = stack(never, timeoutLayer(60_000)).send(REQ, stop.signal);
    setTimeout(() => stop.abort(), 10);
    expect(await p).toMatchObject({ kind: 'aborted' });
  });
  it('a transport error is retryable and names the error', async () => {
    const t = scripted([new Error('ECONNREFUSED 127.0.0.1:1')]);
    expect(await stack(t, timeoutLayer(1000)).send(REQ, live())).toMatchObject({ kind: 'retry', reason: 'transport error: ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('compression layer', () => {
  it('compresses once, outside retries: every attempt sends the same gzip bytes', async () => {
    const t = scripted([{ kind: 'retry', reason: 'x' }, { kind: 'ok' }]);
    await stack(t, compressLayer, retryLayer(policy)).send({ ...REQ, contentEncoding: 'gzip' }, live());
    expect(t.attempts).toHaveLength(2);
    expect(t.attempts[0]!.body).toBe(t.attempts[1]!.body);
    expect(gunzipSync(t.attempts[0]!.body as Uint8Array).toString()).toBe(REQ.body);
  });
  it('leaves an uncompressed request alone', async () => {
    const t = scripted([{ kind: 'ok' }]);
    await stack(t, compressLayer).send(REQ, live());
    expect(t.attempts[0]!.body).toBe(REQ.body);
  });
});

describe('stack', () => {
  it('wraps outermost first', async () => {
    const order: string[] = [];
    const tag = (name: string) => (inner: Sender): Sender => ({ send: async (r, s): Promise<Outcome> => (order.push(name), inner.send(r, s)) });
    await stack(scripted([{ kind: 'ok' }]), tag('a'), tag('b'), tag('c')).send(REQ, live());
    expect(order).toEqual(['a', 'b', 'c']);
  });
});
