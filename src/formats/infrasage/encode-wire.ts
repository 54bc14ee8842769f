import { isoFromNano, nowNano, type Attributes, type WireOriginal } from '../../model/index.js';
import { V1_PROTO } from '../prometheus/receiver.js';
import { resourceFromJobInstance } from '../prometheus/resource.js';
import { forEachPlainSeries, type PlainSeries } from '../prometheus/scan-v1.js';
import { metricResource, service } from './encode.js';

/**
 * InfraSage records written straight from a plain remote-write request's bytes (see
 * model/wire-original.ts): the records `toRecords` makes of the model, as JSON text, with no
 * model, no record objects and no object per sample. Every record of a plain request is a
 * `metric` with a string-valued label set, so the only case left to the model path is a value
 * InfraSage cannot take (NaN, ±Inf, stale markers): then undefined, and the caller encodes the
 * model, which sets such points aside alone.
 *
 * Records come in request order; the model path groups them by resource and metric first.
 */
export function infrasageBodiesFromWire(wire: WireOriginal, maxRecords: number): { body: string; items: number }[] | undefined {
  if (wire.format !== V1_PROTO) return undefined;
  const bodies: { body: string; items: number }[] = [];
  let records: string[] = [];
  const resources = new Map<string, ResourceText>();
  let refused = false;
  let lastMs = -1;
  let lastIso = '';
  const iso = (ms: number): string => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = isoFromNano(ms > 0 ? BigInt(ms) * 1_000_000n : nowNano());
    }
    return lastIso;
  };
  for (const part of wire.parts) {
    forEachPlainSeries(part, (s) => {
      if (refused) return;
      const { name, job, instance, labels } = splitLabels(s);
      const key = `${job ?? ''}\0${instance ?? ''}`;
      let res = resources.get(key);
      if (!res) resources.set(key, (res = resourceText(job, instance)));
      const attributes = (res.attributes + labels).slice(0, -1);
      const head = `{"service_id":${res.serviceId},"type":"metric","metric_name":${JSON.stringify(name)},"value":`;
      const tail = attributes ? `","attributes":{${attributes}}}` : '"}';
      for (let i = 0; i < s.samples; i++) {
        const v = s.sampleValues[i]!;
        if (!Number.isFinite(v)) {
          refused = true;
          return;
        }
        records.push(`${head}${v},"timestamp":"${iso(s.sampleMs[i]!)}${tail}`);
        if (records.length === maxRecords) {
          bodies.push({ body: `[${records.join(',')}]`, items: records.length });
          records = [];
        }
      }
    });
    if (refused) return undefined;
  }
  if (records.length) bodies.push({ body: `[${records.join(',')}]`, items: records.length });
  return bodies;
}

interface ResourceText {
  /** service_id as JSON text. */
  serviceId: string;
  /** The resource's labels as `"k":"v"` members, each followed by a comma when any follow. */
  attributes: string;
}

/** What toRecords derives from a resource made of a series' job and instance, as JSON text. */
function resourceText(job: string | undefined, instance: string | undefined): ResourceText {
  const resource = resourceFromJobInstance(job, instance);
  const [sid, rest] = service(resource);
  return { serviceId: JSON.stringify(sid), attributes: members(metricResource(resource, rest)) };
}

function members(attrs: Attributes): string {
  let out = '';
  for (const k in attrs) out += `${JSON.stringify(k)}:${JSON.stringify(attrs[k])},`;
  return out;
}

/** __name__, job and instance apart; the other labels (sorted, as sent) as JSON members. */
function splitLabels(s: PlainSeries): { name: string; job?: string; instance?: string; labels: string } {
  let name = '';
  let job: string | undefined;
  let instance: string | undefined;
  let labels = '';
  for (let i = 0; i < s.labels; i++) {
    const k = s.names[i]!;
    if (k === '__name__') name = s.values[i]!;
    else if (k === 'job') job = s.values[i]!;
    else if (k === 'instance') instance = s.values[i]!;
    else labels += `${JSON.stringify(k)}:${JSON.stringify(s.values[i])},`;
  }
  return { name, ...(job !== undefined ? { job } : {}), ...(instance !== undefined ? { instance } : {}), labels };
}
