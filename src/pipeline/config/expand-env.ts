export interface EnvIssue {
  path: (string | number)[];
  message: string;
}

const PATTERN = /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${env:NAME}`, `${NAME}` and `${env:NAME:-default}` in every string of the parsed YAML,
 * as the Collector does: after parsing, so the values are never re-interpreted as YAML. `$$` is a
 * literal `$`. An unset variable without default is reported with its path.
 */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, issues: EnvIssue[], path: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    return value.replace(PATTERN, (match, name: string | undefined, def: string | undefined) => {
      if (match === '$$') return '$';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      if (v === '') return v;
      issues.push({ path, message: `environment variable ${name} is not set and has no default (write \${env:${name}:-default})` });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, issues, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, env, issues, [...path, k]);
    return out;
  }
  return value;
}
