import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeIsolating } from '../../src/export/encode-stage.js';
import { piecesOf } from '../../src/export/batcher.js';
import { flattenSpans, nanoFromMillis, newSpan, tracesOf, type Telemetry } from '../../src/model/index.js';
import type { EncodeContext, OutboundRequest } from '../../src/formats/types.js';

const spans = (ids: string[]) => tracesOf(ids.map((id) => newSpan({ traceId: 'a'.repeat(32), spanId: id, name: id, startTimeUnixNano: nanoFromMillis(1), endTimeUnixNano: nanoFromMillis(2) })));
const idsOf = (t: Telemetry) => flattenSpans(t.traces ?? []).map((s) => s.span.spanId);

/** An encoder that throws when any span of the batch is named in `bad`. */
const picky = (bad: Set<string>) => ({
  encode(data: Telemetry): OutboundRequest[] {
    const ids = idsOf(data);
    const hit = ids.find((id) => bad.has(id));
    if (hit) throw new Error(`cannot encode ${hit}`);
    return [{ path: '/', contentType: 'application/json', body: JSON.stringify(ids), items: ids.length }];
  },
});

/** The same, as steps: one yield per span, throwing when it reaches a bad one. */
const steppedPicky = (bad: Set<string>) => ({
  encode(): OutboundRequest[] {
    throw new Error('the exporter must use the steps');
  },
  *encodeSteps(data: Telemetry): Generator<void, OutboundRequest[], void> {
    const ids: string[] = [];
    for (const id of idsOf(data)) {
      if (bad.has(id)) throw new Error(`cannot encode ${id}`);
      ids.push(id);
      yield;
    }
    return [{ path: '/', contentType: 'application/json', body: JSON.stringify(ids), items: ids.length }];
  },
});

describe('encode stage: one bad item costs only itself', () => {
  it('sets aside exactly the items the encoder throws on, and encodes all the others (whole or in steps)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), async (n, picks, stepped) => {
        const ids = Array.from({ length: n }, (_, i) => `s${i}`);
        const bad = new Set(picks.map((p) => ids[p % n]!));
        const out = await encodeIsolating(stepped ? steppedPicky(bad) : picky(bad), spans(ids), { config: {} }, 0);
        const sent = out.requests.flatMap((r) => JSON.parse(r.body as string) as string[]);
        const aside = out.setAside.flatMap((a) => idsOf(a.data));
        expect(new Set(aside)).toEqual(bad);
        expect(out.setAside.every((a) => a.items === 1 && /cannot encode/.test(a.error))).toBe(true);
        expect([...sent, ...aside].sort()).toEqual([...ids].sort());
      }),
      { seed: 1202, numRuns: 200 },
    );
  });
  it('an item the encoder refuses by contract is set aside alone with its reason, in one encode', async () => {
    let calls = 0;
    const def = {
      encode(data: Telemetry, ctx: EncodeContext): OutboundRequest[] {
        calls++;
        const keep = flattenSpans(data.traces ?? []).filter(({ span }) => {
          if (!span.spanId.startsWith('x')) return true;
          ctx.refuse?.(tracesOf([span]), `span ${span.spanId}: no model`);
          return false;
        });
        return [{ path: '/', contentType: 'application/json', body: JSON.stringify(keep.map((s) => s.span.spanId)), items: keep.length }];
      },
    };
    const out = await encodeIsolating(def, spans(['a', 'x1', 'b', 'x2']), { config: {} });
    expect(calls).toBe(1);
    expect(JSON.parse(out.requests[0]!.body as string)).toEqual(['a', 'b']);
    expect(out.setAside.map((a) => [idsOf(a.data), a.items, a.reason, a.error])).toEqual([
      [['x1'], 1, 'contract', 'span x1: no model'],
      [['x2'], 1, 'contract', 'span x2: no model'],
    ]);
  });
  it('encodes once when nothing throws', async () => {
    let calls = 0;
    await encodeIsolating({ encode: (d) => (calls++, picky(new Set()).encode(d)) }, spans(['a', 'b', 'c']), { config: {} });
    expect(calls).toBe(1);
  });
});

describe('encode stage: a stepped encoder gives the event loop back', () => {
  it('between slices, other work runs before the batch is encoded; in one slice, none does', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const interleaved = async (sliceMs: number) => {
      let ran = 0;
      const tick = () => {
        ran++;
        if (ran < 1000) setImmediate(tick);
      };
      setImmediate(tick);
      const out = await encodeIsolating(steppedPicky(new Set()), spans(ids), { config: {} }, sliceMs);
      const during = ran;
      ran = 1000;
      expect(JSON.parse(out.requests[0]!.body as string)).toEqual(ids);
      return during;
    };
    // A slice of 0 ms yields after every span: the ticks run 50 times while it encodes.
    expect(await interleaved(0)).toBeGreaterThanOrEqual(49);
    // A slice longer than the whole encode never yields.
    expect(await interleaved(60_000)).toBe(0);
  });
});

describe('batcher pieces', () => {
  it('merges entries per signal and cuts them to send_batch_max_size', () => {
    const entries = [1, 2, 3].map((seq) => ({ seq, signal: 'traces' as const, data: spans([`a${seq}`, `b${seq}`]), items: 2, bytes: 10 }));
    const pieces = piecesOf(entries, 4);
    expect(pieces.map((p) => idsOf(p.data))).toEqual([['a1', 'b1', 'a2', 'b2'], ['a3', 'b3']]);
    expect(piecesOf(entries, 0)).toHaveLength(1);
  });
});
