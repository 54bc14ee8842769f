import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from './errors.js';

/** Largest config file accepted: far beyond any real config, small enough to parse in seconds. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Deepest nesting of mappings and sequences (block or flow) accepted. */
export const MAX_CONFIG_DEPTH = 64;
/** Most alias expansions while building the config (a "billion laughs" needs many). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Refuses text the YAML library cannot parse safely, before it tries: the library recurses per
 * nesting level (10 000 `[` take the process out of memory inside a regular expression) and is
 * slow enough that a size cap is the only linear-time guarantee. One scan, linear in the text.
 */
export function yamlShapeProblem(text: string): string | undefined {
  if (text.length > MAX_CONFIG_BYTES) return `is ${text.length} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes`;
  let flow = 0;
  let quote = 0; // the open quote character, 0 outside quotes
  let lineStart = true;
  let indent = 0;
  const indents: number[] = [];
  let lineBegin = 0;
  let prev = 0x0a; // last non-space character, for "does a flow collection start here"
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      lineBegin = i + 1;
      indent = 0;
      prev = c;
      // Double-quoted strings may span lines; single-quoted and plain ones end here for our purpose.
      if (quote === 0x27) quote = 0;
      continue;
    }
    if (quote) {
      if (c === 0x5c && quote === 0x22) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (lineStart) {
      if (c === 0x20) {
        indent++;
        continue;
      }
      lineStart = false;
      if (c !== 0x23 /* # */ && flow === 0) {
        // Block nesting: the stack of indentations of the lines above that are still open.
        while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > MAX_CONFIG_DEPTH) return `nests deeper than ${MAX_CONFIG_DEPTH} levels`;
      }
    }
    if (c === 0x20 || c === 0x09) continue;
    if (c === 0x23 && (prev === 0x0a || text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x09)) {
      // A comment runs to the end of the line.
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a) i++;
      continue;
    }
    if ((c === 0x22 || c === 0x27) && isValueStart(prev)) quote = c;
    else if ((c === 0x5b || c === 0x7b) && (flow > 0 || isValueStart(prev))) {
      if (++flow + indents.length > MAX_CONFIG_DEPTH) return `nests deeper than ${MAX_CONFIG_DEPTH} levels`;
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    else if (c === 0x2d /* - */ && isValueStart(prev) && flow === 0 && isBlankOrEnd(text.charCodeAt(i + 1))) {
      // A sequence entry: its content is nested at the column after the dash ("- - - x" nests thrice).
      const col = i - lineBegin + 1;
      while (indents.length && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
      if (indents.length > MAX_CONFIG_DEPTH) return `nests deeper than ${MAX_CONFIG_DEPTH} levels`;
    }
    prev = c;
  }
  return undefined;
}

function isBlankOrEnd(c: number): boolean {
  return Number.isNaN(c) || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** After these characters a flow collection, a quoted scalar or a sequence entry may begin. */
function isValueStart(prev: number): boolean {
  return prev === 0x0a || prev === 0x3a /* : */ || prev === 0x2d /* - */ || prev === 0x2c /* , */ || prev === 0x5b || prev === 0x7b || prev === 0x3f /* ? */;
}

/**
 * Duplicate keys, found in one walk with a Set per mapping. The YAML library's own `uniqueKeys`
 * compares every new key with every earlier one of its mapping: quadratic (a 1 MiB mapping took
 * 44 s to parse with it, 3 s without).
 */
export function duplicateKeys(doc: Document, lines: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        if (isScalar(k)) {
          const id = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(id)) {
            issues.push({ path: '', message: `YAML: map keys must be unique; "${String(k.value)}" is repeated`, line: k.range ? lines.linePos(k.range[0]).line : undefined });
          } else seen.add(id);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item as Node);
    }
  }
  return issues;
}
