import { describe, expect, it } from 'vitest';
import { assertNoSeries, counterOrZero, parseExposition, seriesOf, seriesValue } from './self-metrics.js';

// The helper judges every /metrics assertion, so its own failure modes are pinned here.
const TEXT = `# HELP sent_total Items sent
# TYPE sent_total counter
sent_total{exporter="a",signal="traces"} 3
sent_total{exporter="a",signal="logs"} 0
# HELP failed_total Items failed
# TYPE failed_total counter
# TYPE queue gauge
queue{exporter="a"} 2
`;

describe('self-metrics reader', () => {
  const e = parseExposition(TEXT);
  it('reads exactly one series by its whole label set', () => {
    expect(seriesValue(e, 'sent_total', { exporter: 'a', signal: 'traces' })).toBe(3);
    expect(seriesValue(e, 'sent_total', { exporter: 'a', signal: 'logs' })).toBe(0);
  });
  it('throws, naming the metric and labels, for a missing series, a partial label set or a renamed metric', () => {
    expect(() => seriesValue(e, 'sent_total', { exporter: 'b', signal: 'traces' })).toThrow(/sent_total\{"exporter":"b","signal":"traces"\}/);
    expect(() => seriesValue(e, 'sent_total', { exporter: 'a' })).toThrow(/found 0/);
    expect(() => seriesValue(e, 'sent_items_total')).toThrow(/series of that name: none/);
  });
  it('asserts absence only for a declared family', () => {
    expect(() => assertNoSeries(e, 'failed_total')).not.toThrow();
    expect(() => assertNoSeries(e, 'failed_items_total')).toThrow(/not declared/);
    expect(() => assertNoSeries(e, 'sent_total', { signal: 'logs' })).toThrow(/found sent_total/);
  });
  it('counterOrZero: 0 only when the counter is declared and has no such series', () => {
    expect(counterOrZero(e, 'failed_total', { exporter: 'a' })).toBe(0);
    expect(counterOrZero(e, 'sent_total', { exporter: 'a', signal: 'traces' })).toBe(3);
    expect(() => counterOrZero(e, 'renamed_total', { exporter: 'a' })).toThrow(/not declared/);
    expect(() => counterOrZero(e, 'queue', { exporter: 'a' })).toThrow(/not a counter/);
  });
  it('lists every series of a metric', () => {
    expect(seriesOf(e, 'sent_total')).toEqual([[{ exporter: 'a', signal: 'logs' }, 0], [{ exporter: 'a', signal: 'traces' }, 3]]);
  });
});
