import type { Attributes } from '../../model/index.js';

/**
 * OpenTelemetry ↔ Prometheus resource mapping (OpenTelemetry "Prometheus and OpenMetrics
 * compatibility"): `job` is `service.namespace/service.name` (or `service.name`), `instance` is
 * `service.instance.id`, and every other resource attribute travels on the `target_info` series.
 */
export const TARGET_INFO = 'target_info';

export function jobOf(resource: Attributes): string | undefined {
  const name = resource['service.name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const ns = resource['service.namespace'];
  return typeof ns === 'string' && ns !== '' ? `${ns}/${name}` : name;
}

export function instanceOf(resource: Attributes): string | undefined {
  const id = resource['service.instance.id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export const RESOURCE_IDENTITY_KEYS = new Set(['service.name', 'service.namespace', 'service.instance.id']);

/** The inverse: job and instance labels back into resource attributes. */
export function resourceFromJobInstance(job: string | undefined, instance: string | undefined): Attributes {
  const attrs: Attributes = {};
  if (job) {
    const slash = job.indexOf('/');
    if (slash > 0) {
      attrs['service.namespace'] = job.slice(0, slash);
      attrs['service.name'] = job.slice(slash + 1);
    } else {
      attrs['service.name'] = job;
    }
  }
  if (instance) attrs['service.instance.id'] = instance;
  return attrs;
}
