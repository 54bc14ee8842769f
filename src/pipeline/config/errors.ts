export interface ConfigIssue {
  /** Dotted path in the file: `exporters.netra.retry_on_failure.max_interval`. */
  path: string;
  message: string;
  line?: number;
}

/** Every mistake of a config file, reported at once. */
export class ConfigError extends Error {
  constructor(public readonly issues: ConfigIssue[], public readonly file?: string) {
    super(formatIssues(issues, file));
    this.name = 'ConfigError';
  }
}

export function formatIssues(issues: ConfigIssue[], file?: string): string {
  const head = `${file ?? 'config'}: ${issues.length} error${issues.length === 1 ? '' : 's'}`;
  return [head, ...issues.map((i) => `  ${i.path || '(root)'}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`)].join('\n');
}

export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
