import { allFormats } from './formats/registry.js';
import type { TranslateCodec } from './formats/types.js';
import { countItems } from './model/index.js';

function codecs(): TranslateCodec[] {
  return allFormats().flatMap((f) => (f.translate ? [f.translate] : []));
}

export function translateFormatNames(): string[] {
  return codecs().map((c) => c.name);
}

/**
 * What the target format could not take of one payload, as the exporter would count it
 * (switchyard_exporter_fields_dropped_total / _fields_coerced_total, items set aside or skipped).
 */
export interface FidelityReport {
  dropped: Record<string, number>;
  coerced: Record<string, number>;
  /** Items the target's contract cannot take, left out of the output, with the reason. */
  refused: { items: number; reason: string }[];
  /** Items left out by the target's documented policy (Netra's llm_only), with the reason. */
  skipped: { items: number; reason: string }[];
}

export interface Translation {
  output: string;
  report: FidelityReport;
}

/** Offline conversion: decode with one format's codec, encode with another's, through the model. */
export function translateWithReport(from: string, to: string, input: Buffer): Translation {
  const src = codecs().find((c) => c.name === from);
  const dst = codecs().find((c) => c.name === to);
  for (const [name, c] of [[from, src], [to, dst]] as const) {
    if (!c) throw Object.assign(new Error(`unknown format "${name}" (formats: ${translateFormatNames().join(', ')})`), { usage: true });
  }
  const report: FidelityReport = { dropped: {}, coerced: {}, refused: [], skipped: [] };
  const out = dst!.encode(src!.decode(input), {
    fidelity: (kind, field, n) => {
      const m = kind === 'dropped' ? report.dropped : report.coerced;
      m[field] = (m[field] ?? 0) + n;
    },
    refuse: (part, reason) => report.refused.push({ items: countItems(part), reason }),
    note: (event, items, reason) => {
      if (event === 'skipped') report.skipped.push({ items, reason });
    },
  });
  return { output: out === '' || out.endsWith('\n') ? out : out + '\n', report };
}

export function translatePayload(from: string, to: string, input: Buffer): string {
  return translateWithReport(from, to, input).output;
}

/** The report as `switchyard translate --report` prints it on stderr: one fact per line. */
export function formatFidelityReport(from: string, to: string, r: FidelityReport): string {
  const lines = [`fidelity ${from} → ${to}:`];
  const rows = (kind: string, m: Record<string, number>) => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `  ${kind} ${f} ${n}`);
  lines.push(...rows('dropped', r.dropped), ...rows('coerced', r.coerced));
  for (const s of r.skipped) lines.push(`  skipped ${s.items} item(s): ${s.reason}`);
  for (const s of r.refused) lines.push(`  refused ${s.items} item(s): ${s.reason}`);
  if (lines.length === 1) lines.push('  nothing dropped, coerced, skipped or refused');
  return lines.join('\n') + '\n';
}
