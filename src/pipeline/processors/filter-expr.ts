/**
 * The filter processor's expression language: a small, OTTL-flavoured condition syntax, compiled
 * once at config load into closures so that evaluating a span costs a few property reads and no
 * parsing or regex compilation.
 *
 *   expr       := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "exists" field | "(" expr ")" | comparison
 *   comparison := operand op operand            (at least one side a field)
 *   op         := == | != | < | <= | > | >= | =~ | !~   (=~ / !~ take a regex string on the right)
 *   operand    := field | "string" | 'string' | number | true | false
 *   field      := name | kind | status.code | … | attributes["key"] | resource["key"]
 *
 * Semantics follow OTTL where it has an answer: a missing value equals nothing, so `!=` and `!~`
 * are true for it and ordering comparisons are false.
 */
import type { AnyValue, Attributes, InstrumentationScope, LogRecord, Metric, Span } from '../../model/index.js';
import { SpanKind, StatusCode, toNumber, valueToText } from '../../model/index.js';
import { compileRegex } from './regex.js';

export type FilterContext = 'span' | 'metric' | 'datapoint' | 'log_record';

type DataPoint = Metric['data']['dataPoints'][number];

/** What an expression is evaluated against; one object is reused per batch to avoid allocation. */
export interface Subject {
  resource: Attributes;
  scope: InstrumentationScope;
  span?: Span;
  metric?: Metric;
  point?: DataPoint;
  record?: LogRecord;
}

export type Predicate = (s: Subject) => boolean;
type Getter = (s: Subject) => AnyValue | undefined;

export class FilterSyntaxError extends Error {
  constructor(
    readonly detail: string,
    /** 1-based column in the expression text. */
    readonly column: number,
  ) {
    super(`${detail} at column ${column}`);
  }
}

// ---------------------------------------------------------------- fields

const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const METRIC_TYPES = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];
const METRIC_TYPE_OF: Record<Metric['data']['type'], string> = {
  gauge: 'gauge', sum: 'sum', histogram: 'histogram', exponentialHistogram: 'exponential_histogram', summary: 'summary',
};

/**
 * A field whose values form a closed set; literals compared with it are checked and rewritten to
 * the canonical spelling at load time, so `kind == "internal"` and `kind == "SPAN_KIND_INTERNAL"`
 * mean the same and `kind == "INTRENAL"` is a config error instead of a filter that never matches.
 */
interface EnumField {
  names: string[];
  canonical(lit: string | number): string | undefined;
}

function enumOf(names: string[], prefix: string): EnumField {
  return {
    names,
    canonical(lit) {
      if (typeof lit === 'number') return Number.isInteger(lit) ? names[lit] : undefined;
      const up = lit.toUpperCase();
      const full = up.startsWith(prefix) ? up : prefix + up;
      if (prefix === '') return names.find((n) => n === lit.toLowerCase() || 'METRIC_DATA_TYPE_' + n.toUpperCase() === up);
      return names.includes(full) ? full : undefined;
    },
  };
}

const KIND_ENUM = enumOf(SPAN_KIND_NAMES, 'SPAN_KIND_');
const STATUS_ENUM = enumOf(STATUS_NAMES, 'STATUS_CODE_');
const METRIC_TYPE_ENUM = enumOf(METRIC_TYPES, '');

interface FieldDef {
  get: Getter;
  enum?: EnumField;
}

const common: Record<string, FieldDef> = {
  'scope.name': { get: (s) => s.scope.name },
  'scope.version': { get: (s) => s.scope.version },
};

const metricFields: Record<string, FieldDef> = {
  'metric.name': { get: (s) => s.metric?.name },
  'metric.unit': { get: (s) => s.metric?.unit },
  'metric.description': { get: (s) => s.metric?.description },
  'metric.type': { get: (s) => (s.metric ? METRIC_TYPE_OF[s.metric.data.type] : undefined), enum: METRIC_TYPE_ENUM },
};

const FIELDS: Record<FilterContext, Record<string, FieldDef>> = {
  span: {
    ...common,
    name: { get: (s) => s.span?.name },
    kind: { get: (s) => SPAN_KIND_NAMES[s.span?.kind ?? SpanKind.UNSPECIFIED], enum: KIND_ENUM },
    'status.code': { get: (s) => STATUS_NAMES[s.span?.status.code ?? StatusCode.UNSET], enum: STATUS_ENUM },
    'status.message': { get: (s) => s.span?.status.message },
    duration_ms: {
      get: (s) => (s.span ? Number(s.span.endTimeUnixNano - s.span.startTimeUnixNano) / 1e6 : undefined),
    },
    trace_id: { get: (s) => s.span?.traceId },
    span_id: { get: (s) => s.span?.spanId },
    parent_span_id: { get: (s) => s.span?.parentSpanId },
  },
  metric: {
    ...common,
    ...metricFields,
    name: metricFields['metric.name']!,
    unit: metricFields['metric.unit']!,
    description: metricFields['metric.description']!,
    type: metricFields['metric.type']!,
  },
  datapoint: {
    ...common,
    ...metricFields,
    name: metricFields['metric.name']!,
    /** Gauge and sum points only; histograms expose `count` and `sum`. */
    value: { get: (s) => (s.point && 'value' in s.point ? s.point.value : undefined) },
    count: { get: (s) => (s.point && 'count' in s.point ? s.point.count : undefined) },
    sum: { get: (s) => (s.point && 'sum' in s.point ? s.point.sum : undefined) },
  },
  log_record: {
    ...common,
    body: { get: (s) => s.record?.body },
    severity_number: { get: (s) => s.record?.severityNumber },
    severity_text: { get: (s) => s.record?.severityText },
    event_name: { get: (s) => s.record?.eventName },
    trace_id: { get: (s) => s.record?.traceId },
    span_id: { get: (s) => s.record?.spanId },
  },
};

/** The attribute map `attributes[...]` reads in each context (metrics have none of their own). */
function itemAttributes(ctx: FilterContext): ((s: Subject) => Attributes | undefined) | undefined {
  switch (ctx) {
    case 'span': return (s) => s.span?.attributes;
    case 'datapoint': return (s) => s.point?.attributes;
    case 'log_record': return (s) => s.record?.attributes;
    case 'metric': return undefined;
  }
}

export function fieldNames(ctx: FilterContext): string[] {
  const names = Object.keys(FIELDS[ctx]).sort();
  if (itemAttributes(ctx)) names.push('attributes["…"]');
  names.push('resource["…"]');
  return names;
}

// ---------------------------------------------------------------- tokens

type TokKind = 'ident' | 'string' | 'number' | 'op' | 'punct' | 'end';
interface Token {
  kind: TokKind;
  text: string;
  /** Decoded value for strings and numbers. */
  value?: string | number;
  pos: number;
}

const OPS = ['==', '!=', '<=', '>=', '=~', '!~', '<', '>'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const start = i;
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('unterminated string', start + 1);
        const d = src[i]!;
        if (d === c) { i++; break; }
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined) throw new FilterSyntaxError('unterminated string', start + 1);
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      out.push({ kind: 'string', text: src.slice(start, i), value: text, pos: start });
      continue;
    }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (num && (c !== '-' || /\d|\./.test(src[i + 1] ?? ''))) {
      // Numbers end at a delimiter: `5ms` is a mistake worth naming, not `5` followed by `ms`.
      const after = src[i + num[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) throw new FilterSyntaxError(`invalid number "${num[0]}${after}…"`, start + 1);
      out.push({ kind: 'number', text: num[0], value: Number(num[0]), pos: start });
      i += num[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_.]/.test(src[i]!)) i++;
      out.push({ kind: 'ident', text: src.slice(start, i), pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, pos: start });
      i += op.length;
      continue;
    }
    if ('()[]'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: start });
      i++;
      continue;
    }
    if (c === '=') throw new FilterSyntaxError('unexpected "=" (use "==" to compare)', start + 1);
    if (c === '&' || c === '|') throw new FilterSyntaxError(`unexpected "${c}" (use "and" / "or")`, start + 1);
    throw new FilterSyntaxError(`unexpected character "${c}"`, start + 1);
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

// ---------------------------------------------------------------- parser

type Operand =
  | { kind: 'field'; get: Getter; label: string; enum?: EnumField; pos: number }
  | { kind: 'literal'; value: string | number | boolean; pos: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'exists', 'true', 'false']);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly ctx: FilterContext,
  ) {}

  parse(): Predicate {
    if (this.peek().kind === 'end') throw new FilterSyntaxError('empty expression', 1);
    const p = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') throw new FilterSyntaxError(`unexpected "${t.text}" after a complete condition (missing "and" / "or"?)`, t.pos + 1);
    return p;
  }

  private peek(): Token { return this.toks[this.i]!; }
  private next(): Token { return this.toks[this.i++]!; }
  private isKeyword(t: Token, kw: string): boolean { return t.kind === 'ident' && t.text.toLowerCase() === kw; }

  private parseOr(): Predicate {
    const parts = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'or')) { this.next(); parts.push(this.parseAnd()); }
    if (parts.length === 1) return parts[0]!;
    return (s) => { for (const p of parts) if (p(s)) return true; return false; };
  }

  private parseAnd(): Predicate {
    const parts = [this.parseUnary()];
    while (this.isKeyword(this.peek(), 'and')) { this.next(); parts.push(this.parseUnary()); }
    if (parts.length === 1) return parts[0]!;
    return (s) => { for (const p of parts) if (!p(s)) return false; return true; };
  }

  private parseUnary(): Predicate {
    const t = this.peek();
    if (this.isKeyword(t, 'not')) {
      this.next();
      const inner = this.parseUnary();
      return (s) => !inner(s);
    }
    if (this.isKeyword(t, 'exists')) {
      this.next();
      const f = this.parseOperand();
      if (f.kind !== 'field') throw new FilterSyntaxError('"exists" needs a field, e.g. exists attributes["key"]', f.pos + 1);
      const get = f.get;
      return (s) => { const v = get(s); return v !== undefined && v !== null; };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== 'punct' || close.text !== ')') throw new FilterSyntaxError(`expected ")" to close "(" at column ${t.pos + 1}`, close.pos + 1);
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Predicate {
    const left = this.parseOperand();
    const opTok = this.next();
    if (opTok.kind !== 'op') {
      const what = opTok.kind === 'end' ? 'end of expression' : `"${opTok.text}"`;
      throw new FilterSyntaxError(`expected an operator (== != < <= > >= =~ !~) but found ${what}`, opTok.pos + 1);
    }
    const right = this.parseOperand();
    return compileComparison(left, opTok, right);
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.kind) {
      case 'string': return { kind: 'literal', value: t.value as string, pos: t.pos };
      case 'number': return { kind: 'literal', value: t.value as number, pos: t.pos };
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', pos: t.pos };
        if (KEYWORDS.has(lower)) throw new FilterSyntaxError(`expected a field or value but found "${t.text}"`, t.pos + 1);
        if (t.text === 'attributes' || t.text === 'resource') return this.parseMapField(t);
        const def = FIELDS[this.ctx][t.text];
        if (!def) {
          throw new FilterSyntaxError(`unknown field "${t.text}" in ${this.ctx} context (known: ${fieldNames(this.ctx).join(', ')})`, t.pos + 1);
        }
        return { kind: 'field', get: def.get, label: t.text, enum: def.enum, pos: t.pos };
      }
      case 'end': throw new FilterSyntaxError('unexpected end of expression: expected a field or value', t.pos + 1);
      default: throw new FilterSyntaxError(`expected a field or value but found "${t.text}"`, t.pos + 1);
    }
  }

  private parseMapField(t: Token): Operand {
    const open = this.next();
    if (open.kind !== 'punct' || open.text !== '[') throw new FilterSyntaxError(`expected "[" after ${t.text}`, open.pos + 1);
    const key = this.next();
    if (key.kind !== 'string') throw new FilterSyntaxError(`expected a quoted key inside ${t.text}[…]`, key.pos + 1);
    const close = this.next();
    if (close.kind !== 'punct' || close.text !== ']') throw new FilterSyntaxError(`expected "]" after ${t.text}[${key.text}`, close.pos + 1);
    const k = key.value as string;
    let get: Getter;
    if (t.text === 'resource') {
      get = (s) => s.resource[k];
    } else {
      const attrs = itemAttributes(this.ctx);
      if (!attrs) throw new FilterSyntaxError(`a ${this.ctx} has no attributes of its own (use resource[…] or a datapoint condition)`, t.pos + 1);
      get = (s) => attrs(s)?.[k];
    }
    return { kind: 'field', get, label: `${t.text}[${key.text}]`, pos: t.pos };
  }
}

// ---------------------------------------------------------------- comparisons

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

function compileComparison(left: Operand, opTok: Token, right: Operand): Predicate {
  let op = opTok.text;
  if (left.kind === 'literal' && right.kind === 'literal') {
    throw new FilterSyntaxError('a comparison needs a field on one side (e.g. name == "x")', left.pos + 1);
  }
  if (op === '=~' || op === '!~') {
    if (left.kind !== 'field') throw new FilterSyntaxError(`"${op}" needs a field on its left`, left.pos + 1);
    if (right.kind !== 'literal' || typeof right.value !== 'string') {
      throw new FilterSyntaxError(`"${op}" needs a quoted regular expression on its right`, right.pos + 1);
    }
    let re: RegExp;
    try {
      re = compileRegex(right.value);
    } catch (e) {
      throw new FilterSyntaxError(`invalid regular expression ${JSON.stringify(right.value)}: ${(e as Error).message}`, right.pos + 1);
    }
    const get = left.get;
    const match = (s: Subject): boolean => {
      const v = get(s);
      if (v === undefined || v === null) return false;
      return re.test(valueToText(v));
    };
    return op === '=~' ? match : (s) => !match(s);
  }
  // Put the field on the left so that the rest has one shape.
  let field: Extract<Operand, { kind: 'field' }>;
  let other: Operand;
  if (left.kind === 'field') {
    field = left;
    other = right;
  } else {
    field = right as Extract<Operand, { kind: 'field' }>;
    other = left;
    op = FLIP[op]!;
  }
  if (other.kind === 'literal' && field.enum) {
    if (op !== '==' && op !== '!=') throw new FilterSyntaxError(`${field.label} can only be compared with == or !=`, opTok.pos + 1);
    if (typeof other.value === 'boolean') throw new FilterSyntaxError(`${field.label} is not a boolean`, other.pos + 1);
    const canon = field.enum.canonical(other.value);
    if (canon === undefined) {
      throw new FilterSyntaxError(`unknown ${field.label} value ${JSON.stringify(other.value)} (one of ${field.enum.names.join(', ')})`, other.pos + 1);
    }
    other = { kind: 'literal', value: canon, pos: other.pos };
  }
  const get = field.get;
  if (other.kind === 'literal') {
    const lit = other.value;
    const cmp = literalComparator(lit);
    switch (op) {
      case '==': return (s) => cmp(get(s)) === 0;
      case '!=': return (s) => cmp(get(s)) !== 0;
      case '<': return (s) => cmp(get(s)) === -1;
      case '<=': { return (s) => { const c = cmp(get(s)); return c === -1 || c === 0; }; }
      case '>': return (s) => cmp(get(s)) === 1;
      case '>=': { return (s) => { const c = cmp(get(s)); return c === 1 || c === 0; }; }
    }
  } else {
    const get2 = other.get;
    switch (op) {
      case '==': return (s) => compareValues(get(s), get2(s)) === 0;
      case '!=': return (s) => compareValues(get(s), get2(s)) !== 0;
      case '<': return (s) => compareValues(get(s), get2(s)) === -1;
      case '<=': { return (s) => { const c = compareValues(get(s), get2(s)); return c === -1 || c === 0; }; }
      case '>': return (s) => compareValues(get(s), get2(s)) === 1;
      case '>=': { return (s) => { const c = compareValues(get(s), get2(s)); return c === 1 || c === 0; }; }
    }
  }
  throw new FilterSyntaxError(`unsupported operator "${op}"`, opTok.pos + 1);
}

/** -1 / 0 / 1, or NaN when the two cannot be compared (missing, or of unrelated types). */
type Cmp = (v: AnyValue | undefined) => number;

function sign(d: number): number {
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/**
 * Compares an item's value with a literal. A number literal compares numerically with ints,
 * doubles and numeric strings (vendors send counts as text); a string literal compares with the
 * value's text, so `attributes["http.status_code"] == "200"` works whatever its type.
 */
function literalComparator(lit: string | number | boolean): Cmp {
  if (typeof lit === 'number') {
    return (v) => {
      if (v === undefined || v === null || typeof v === 'boolean') return NaN;
      const n = toNumber(v);
      return n === undefined ? NaN : sign(n - lit);
    };
  }
  if (typeof lit === 'boolean') {
    return (v) => (v === lit || (typeof v === 'string' && v.toLowerCase() === String(lit)) ? 0 : typeof v === 'boolean' || typeof v === 'string' ? 2 : NaN);
  }
  return (v) => {
    if (v === undefined || v === null) return NaN;
    const t = valueToText(v);
    return t === lit ? 0 : t < lit ? -1 : 1;
  };
}

function compareValues(a: AnyValue | undefined, b: AnyValue | undefined): number {
  if (a === undefined || a === null || b === undefined || b === null) return NaN;
  const na = typeof a === 'bigint' || typeof a === 'number' ? toNumber(a) : undefined;
  const nb = typeof b === 'bigint' || typeof b === 'number' ? toNumber(b) : undefined;
  if (na !== undefined && nb !== undefined) return sign(na - nb);
  const ta = valueToText(a);
  const tb = valueToText(b);
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** Parses and compiles one expression; throws FilterSyntaxError with a 1-based column. */
export function compileFilter(src: string, ctx: FilterContext): Predicate {
  return new Parser(tokenize(src), ctx).parse();
}
