/**
 * Reads one exact series from Switchyard's /metrics over HTTP, as an operator's scraper would.
 * A series that is not there is an error, not 0: a renamed metric or label must fail the test
 * that relies on it rather than pass as "zero".
 */
export async function exactSeries(telemetryUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${telemetryUrl}/metrics`)).text();
  const want = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!] as const);
    have.sort(([a], [b]) => a.localeCompare(b));
    if (JSON.stringify(have) === JSON.stringify(want)) return Number(m[3]);
  }
  throw new Error(`no series ${name}${JSON.stringify(labels)} in /metrics`);
}
