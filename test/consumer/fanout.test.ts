import { describe, expect, it } from 'vitest';
import type { Commit, Consumer } from '../../src/consumer/consumer.js';
import { Fanout } from '../../src/consumer/fanout.js';
import { BackpressureError } from '../../src/formats/errors.js';
import { nanoFromMillis, newSpan, tracesOf, type Signal, type Telemetry } from '../../src/model/index.js';

const data = () => tracesOf([newSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'n', startTimeUnixNano: nanoFromMillis(1), endTimeUnixNano: nanoFromMillis(2) })]);

class Probe implements Consumer {
  got: Telemetry[] = [];
  committed = 0;
  constructor(readonly mutatesData: boolean, private readonly room = true, private readonly fail?: Error) {}
  hasRoom() {
    return this.room;
  }
  prepare(_s: Signal, d: Telemetry): Commit {
    if (this.fail) throw this.fail;
    if (!this.room) throw new BackpressureError('full');
    this.got.push(d);
    return async () => void this.committed++;
  }
}

describe('Fanout: the clone rule', () => {
  it('read-only consumers share the input; mutating ones get copies while anyone shares it', () => {
    const input = data();
    const [ro1, mut1, ro2, mut2] = [new Probe(false), new Probe(true), new Probe(false), new Probe(true)];
    new Fanout([ro1, mut1, ro2, mut2]).prepare('traces', input, 1);
    expect(ro1.got[0]).toBe(input);
    expect(ro2.got[0]).toBe(input);
    expect(mut1.got[0]).not.toBe(input);
    expect(mut2.got[0]).not.toBe(input);
    expect(mut1.got[0]).toEqual(input);
  });
  it('with only mutating consumers, the last takes the input and the others get copies', () => {
    const input = data();
    const ps = [new Probe(true), new Probe(true), new Probe(true)];
    new Fanout(ps).prepare('traces', input, 1);
    expect(ps.map((p) => p.got[0] === input)).toEqual([false, false, true]);
  });
  it('reports itself mutating when any consumer is', () => {
    expect(new Fanout([new Probe(false), new Probe(true)]).mutatesData).toBe(true);
    expect(new Fanout([new Probe(false), new Probe(false)]).mutatesData).toBe(false);
  });
});

describe('Fanout: queued everywhere or nowhere', () => {
  it('a full consumer or a throwing one means no commit runs anywhere', async () => {
    for (const bad of [new Probe(false, false), new Probe(true, true, new Error('processor bug'))]) {
      const ok = new Probe(false);
      const f = new Fanout([ok, bad]);
      expect(() => f.prepare('traces', data(), 1)).toThrow();
      expect(ok.committed).toBe(0);
    }
  });
  it('commits every branch once prepared', async () => {
    const ps = [new Probe(false), new Probe(true)];
    await new Fanout(ps).prepare('traces', data(), 1)();
    expect(ps.map((p) => p.committed)).toEqual([1, 1]);
  });
});
