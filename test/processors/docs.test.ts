import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES } from '../../src/pipeline/processors/redaction-detectors.js';
import { BUILTIN_PRICES, PRICES_AS_OF } from '../../src/pipeline/processors/price-table.js';

const doc = readFileSync(new URL('../../docs/processors.md', import.meta.url), 'utf8');

describe('docs/processors.md stays in step with the code', () => {
  it('prints the price table with its date', () => {
    expect(doc).toContain(`taken ${PRICES_AS_OF}`);
    for (const [model, p] of Object.entries(BUILTIN_PRICES)) {
      const row = `| \`${model}\` | ${p.input} | ${p.output} | ${p.cached_input ?? '–'} | ${p.cache_write ?? '–'} |`;
      expect(doc, model).toContain(row);
    }
  });
  it('names every redaction detector', () => {
    for (const d of DETECTOR_NAMES) expect(doc).toContain(`\`${d}\``);
  });
});
