import { readFileSync } from 'node:fs';

/** One row of docs/mapping.md's fidelity table. */
export interface FidelityRow {
  format: string;
  kind: 'dropped' | 'coerced' | 'refused';
  field: string;
}

/** Placeholder in the table for "any attribute key whose value is not a string". */
export const ANY_ATTRIBUTE = '<attribute key>';

/** The rows of the "Fidelity" table in docs/mapping.md (the placeholder row of otlp-json excluded). */
export function fidelityTable(): FidelityRow[] {
  const doc = readFileSync(new URL('../../docs/mapping.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Fidelity'));
  const rows: FidelityRow[] = [];
  for (const line of section.split('\n')) {
    const m = /^\| (\S+) \| (dropped|coerced|refused) \| `([^`]+)` \|/.exec(line);
    if (m) rows.push({ format: m[1]!, kind: m[2] as FidelityRow['kind'], field: m[3]! });
  }
  return rows;
}

/** True when the table documents `field` reported as `kind` by `format` (literally or as an attribute). */
export function documented(rows: FidelityRow[], format: string, kind: string, field: string, attributeKeys: ReadonlySet<string>): boolean {
  return rows.some((r) => r.format === format && r.kind === kind && (r.field === field || (r.field === ANY_ATTRIBUTE && attributeKeys.has(field))));
}
