import type { ConformanceFixture } from '../conformance/fixture.js';
import { writeRequestBody } from './prometheus-helpers.js';

/**
 * Remote-write bodies for the shared conformance suite. The suite's JSON-minded fields carry
 * snappy-compressed protobuf here:
 * - validBody: two gauge series (`up`, `temperature`) with one sample each → 2 points;
 * - missingField: a series without its `__name__` label (field "__name__");
 * - wrongType: a series whose labels are not sorted — the closest remote-write has to a field of
 *   the wrong shape (field "labels").
 * Both bad bodies are refused with 400 (the receiver names the series in a text/plain body).
 * Back-pressure is 503: Prometheus 2.x retries 5xx and drops batches on 429.
 */
const T0 = 1_717_000_000_000;

export const prometheusFixture: ConformanceFixture = {
  type: 'prometheus_remote_write',
  path: '/api/v1/write',
  contentType: 'application/x-protobuf',
  validBody: writeRequestBody([
    { labels: { __name__: 'up', job: 'node', instance: 'host:9100' }, samples: [[1, T0]] },
    { labels: { __name__: 'temperature', job: 'node', instance: 'host:9100', room: 'a' }, samples: [[21.5, T0]] },
  ]),
  expectedItems: 2,
  // job/instance become resource attributes; the other labels stay on the point. T0 is in ms.
  expectedContent: [
    { signal: 'metric', name: 'up', type: 'gauge', time_unix_nano: '1717000000000000000', attributes: {}, value: 1 },
    { signal: 'metric', name: 'temperature', type: 'gauge', time_unix_nano: '1717000000000000000', attributes: { room: 'a' }, value: 21.5 },
  ],
  successStatus: 204,
  missingField: { body: writeRequestBody([{ labels: [['job', 'node']], samples: [[1, T0]] }]), field: '__name__' },
  wrongType: { body: writeRequestBody([{ labels: [['__name__', 'up'], ['job', 'node'], ['instance', 'h']], samples: [[1, T0]] }]), field: 'labels' },
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  backpressureStatuses: [503],
};
