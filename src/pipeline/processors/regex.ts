/**
 * Regexes from config. Collector users write RE2 syntax; the two differences that matter in
 * practice are accepted: named groups `(?P<name>…)` and leading inline flags `(?i)`, `(?s)`, `(?m)`
 * (JavaScript has neither form). Anything else is a JavaScript RegExp.
 */
export function compileRegex(src: string, extraFlags = ''): RegExp {
  let body = src.replaceAll('(?P<', '(?<');
  let flags = extraFlags;
  const lead = /^\(\?([ims]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
  }
  return new RegExp(body, flags);
}
