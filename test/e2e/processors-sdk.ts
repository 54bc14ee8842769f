/**
 * Shared by the processors-*.test.ts files: drives the real OpenTelemetry JS SDK (OTLP/HTTP exporter,
 * protobuf by default, or JSON) against a running Switchyard, and reads what the Netra and Foglamp
 * stand-ins received.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExportResult } from '@opentelemetry/core';
import type { FoglampStandin } from '../standins/foglamp.js';
import type { NetraStandin } from '../standins/netra.js';

export interface SpanSpec {
  name: string;
  attributes: Attributes;
  /** Milliseconds the span lasts (default 250). */
  durationMs?: number;
  /** Index of the parent in the same list (default: a root span). */
  parent?: number;
  kind?: SpanKind;
  error?: string;
}

export interface Sent {
  traceId: string;
  spanId: string;
  name: string;
}

const T0 = 1_750_000_000_000; // ms

/**
 * Sends the spans through the SDK's OTLP/HTTP protobuf exporter and waits until the SDK has
 * exported them (the exporter fails the export when Switchyard does not answer 200).
 */
export async function sendWithSdk(
  url: string,
  specs: SpanSpec[],
  resource: Attributes = { 'service.name': 'genai-app' },
  encoding: 'proto' | 'json' = 'proto',
): Promise<Sent[]> {
  const results: ExportResult[] = [];
  const inner = encoding === 'json' ? new OTLPTraceExporterJson({ url: `${url}/v1/traces` }) : new OTLPTraceExporter({ url: `${url}/v1/traces` });
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], cb: (r: ExportResult) => void) {
      inner.export(spans, (r) => {
        results.push(r);
        cb(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('processors-e2e', '1.0.0');
  const spans: Span[] = [];
  specs.forEach((s, i) => {
    const start = T0 + i * 1000;
    const ctx = s.parent !== undefined ? trace.setSpan(context.active(), spans[s.parent]!) : context.active();
    const span = tracer.startSpan(s.name, { kind: s.kind ?? SpanKind.CLIENT, attributes: s.attributes, startTime: start }, ctx);
    spans.push(span);
  });
  // End children before parents, as instrumented code does.
  for (let i = specs.length - 1; i >= 0; i--) {
    const s = specs[i]!;
    if (s.error) spans[i]!.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
    spans[i]!.end(T0 + i * 1000 + (s.durationMs ?? 250));
  }
  await provider.forceFlush();
  await provider.shutdown();
  const failed = results.filter((r) => r.code !== 0);
  if (failed.length) throw new Error(`SDK export failed: ${failed.map((r) => r.error?.message).join('; ')}`);
  return spans.map((s, i) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, name: specs[i]!.name }));
}

type Obj = Record<string, unknown>;

/** Netra events by `trace_context.span_id`. */
export function netraBySpan(netra: NetraStandin): Map<string, Obj> {
  return new Map(netra.events().map((e) => [(e.trace_context as Obj).span_id as string, e]));
}

/** Foglamp span rows by `spanId`, each with its trace object alongside. */
export function foglampBySpan(fog: FoglampStandin): Map<string, { span: Obj; trace: Obj }> {
  const out = new Map<string, { span: Obj; trace: Obj }>();
  for (const t of fog.received) for (const s of t.spans as Obj[]) out.set(s.spanId as string, { span: s, trace: t });
  return out;
}

/**
 * Every body either stand-in was sent, as text: Netra's decompressed NDJSON as it came, Foglamp's
 * JSON as it came, and both re-serialised from their parsed form (so that a `\u0040` escape
 * cannot hide an email from a plain substring search).
 */
export function receivedText(netra: NetraStandin | undefined, fog: FoglampStandin | undefined): string {
  const parts: string[] = [];
  if (netra) for (const r of netra.received) parts.push(r.raw, ...r.events.map((e) => JSON.stringify(e)));
  if (fog) {
    for (const r of fog.requests) parts.push(r.body);
    for (const b of fog.bodies) parts.push(JSON.stringify(b));
  }
  return parts.join('\n');
}
