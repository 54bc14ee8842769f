#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from './pipeline/config/errors.js';
import { defaultCatalog } from './pipeline/components.js';
import { loadConfigFile } from './pipeline/config/load.js';
import { VERSION } from './version.js';

const USAGE = `switchyard ${VERSION} — telemetry translation proxy for AI systems

Usage:
  switchyard run [--config FILE]         run the pipelines of FILE (default: config/default.yaml)
  switchyard validate --config FILE...   check config files; print every error; exit 1 if any
  switchyard translate --from F --to F [--report] [FILE]
                                         convert a payload offline (stdin when no FILE) between
                                         formats: ${'{formats}'}; --report prints on stderr what
                                         the target dropped, coerced, skipped or refused
  switchyard --help | --version

Exit codes: 0 ok, 1 config or start-up error, 2 usage error.`;

export const DEFAULT_CONFIG = fileURLToPath(new URL('../config/default.yaml', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        report: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${await usage()}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`switchyard ${VERSION}\n`);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (values.help || command === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return 0;
  }
  switch (command) {
    case 'run':
      return run(values.config?.[0] ?? DEFAULT_CONFIG);
    case 'validate':
      return validate(values.config ?? positionals.slice(1));
    case 'translate':
      return translate(values.from, values.to, positionals[1], values.report === true);
    default:
      process.stderr.write(`unknown command "${command}"\n\n${await usage()}\n`);
      return 2;
  }
}

async function usage(): Promise<string> {
  const { translateFormatNames } = await import('./translate.js');
  return USAGE.replace('{formats}', translateFormatNames().join(', '));
}

function validate(files: string[]): number {
  if (files.length === 0) {
    process.stderr.write('validate needs --config FILE\n');
    return 2;
  }
  let failed = 0;
  for (const f of files) {
    try {
      const cfg = loadConfigFile(f, { catalog: defaultCatalog() });
      process.stdout.write(`${f}: ok (${cfg.receivers.size} receivers, ${cfg.processors.size} processors, ${cfg.exporters.size} exporters, ${cfg.service.pipelines.length} pipelines)\n`);
    } catch (e) {
      failed++;
      process.stderr.write(`${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

async function run(file: string): Promise<number> {
  let config;
  try {
    config = loadConfigFile(file, { catalog: defaultCatalog() });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const { runService } = await import('./run.js');
  return runService(config, file);
}

async function translate(from: string | undefined, to: string | undefined, file: string | undefined, report: boolean): Promise<number> {
  const { translateWithReport, translateFormatNames, formatFidelityReport } = await import('./translate.js');
  if (!from || !to) {
    process.stderr.write(`translate needs --from and --to (formats: ${translateFormatNames().join(', ')})\n`);
    return 2;
  }
  let input: Buffer;
  try {
    input = file && file !== '-' ? readFileSync(file) : readFileSync(0);
  } catch (e) {
    process.stderr.write(`cannot read ${file ?? 'stdin'}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const t = translateWithReport(from, to, input);
    process.stdout.write(t.output);
    if (report) process.stderr.write(formatFidelityReport(from, to, t.report));
    // Items the target cannot take are left out of the output: never silently.
    else for (const r of t.report.refused) process.stderr.write(`refused ${r.items} item(s): ${r.reason}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return (e as { usage?: boolean }).usage ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let a running service keep the process alive; other commands exit with their code.
    if (code !== -1) process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`switchyard: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
