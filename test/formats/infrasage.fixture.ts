import type { ConformanceFixture } from '../conformance/fixture.js';

/**
 * The single-record example of InfraSage's "POST /api/v1/telemetry" page, verbatim. Its timestamp
 * (2026-04-10T12:00:00Z) is refused as timestamp_too_old once more than 24 h have passed, so the
 * fixture bodies below use the same record stamped "now"; the unit tests feed the verbatim example
 * with a fixed clock.
 */
export const INFRASAGE_DOC_EXAMPLE = {
  service_id: 'payment-api',
  type: 'metric',
  metric_name: 'cpu_usage_percent',
  value: 87.3,
  timestamp: '2026-04-10T12:00:00Z',
  attributes: { region: 'us-east-1', env: 'production' },
};

export const DOC_EXAMPLE_NOW_NS = BigInt(Date.parse('2026-04-10T12:05:00Z')) * 1_000_000n;

function fresh(extra: Record<string, unknown> = {}, drop?: string): string {
  const rec: Record<string, unknown> = { ...INFRASAGE_DOC_EXAMPLE, timestamp: new Date().toISOString(), ...extra };
  if (drop) delete rec[drop];
  return JSON.stringify(rec);
}

export const infrasageFixture: ConformanceFixture = {
  type: 'infrasage',
  path: '/api/v1/telemetry',
  contentType: 'application/json',
  get validBody() { return fresh(); },
  expectedItems: 1,
  // The record is stamped "now" (see above), so its time is not pinned here.
  expectedContent: [{ signal: 'metric', name: 'cpu_usage_percent', value: 87.3, attributes: { region: 'us-east-1', env: 'production' } }],
  successStatus: 200,
  get missingField() { return { body: fresh({}, 'service_id'), field: 'service_id' }; },
  get wrongType() { return { body: fresh({ value: 'high' }), field: 'value' }; },
  authHeaders: (key) => ({ 'x-api-key': key }),
  backpressureStatuses: [429],
};
