/**
 * printf-family format strings: mirrors staptree.cxx `print_format::string_to_components`, the
 * parser of stap's format language (a subset of C's: flags `-+ #0`, a width or `*`, a precision
 * `.N` or `.*`, one optional `l`, and the conversions `b c s m M p d i u o x X`; `%%` is a
 * literal percent sign). stap runs it at parse time (parse.cxx `parse_symbol`), so its errors are
 * parse errors; pass 2 uses the components to count and type the arguments
 * (elaborate.cxx `typeresolution_info::visit_print_format`).
 *
 * Behaviour found by experiment with stap 4.8 (the C++ is not copied):
 * - a `%` that is the last character fails with "invalid or missing conversion specifier", like
 *   an unknown conversion character (`%e`, `%lld`, `%1$d`, `%5%`);
 * - a conversion cut short by the end of the string fails with "trailing incomplete print format
 *   conversion" when something was already parsed (`%5`, `%-`, `%.5`, `%*`, `%5l`), but `%l` and
 *   `%.` at the very end are silently dropped (no conversion, no error).
 *
 * No IO; pure function of the string as the lexer kept it (escapes are still two characters,
 * which never matters here since `\` is an ordinary literal character to this parser).
 */

/** staptree.h `print_format::conversion_type`, minus `conv_unspecified`. */
export type ConversionType =
  | 'literal'
  | 'binary'
  | 'char'
  | 'string'
  | 'memory'
  | 'memory_hex'
  | 'pointer'
  | 'number';

/** staptree.h `print_format::format_component`. */
export interface FormatComponent {
  type: ConversionType;
  /** The literal text (for `literal`), or the literal text that preceded this conversion. */
  literal: string;
  flags: string;
  /** `*` width: takes a long argument before the value. */
  dynamicWidth: boolean;
  width?: number;
  /** `.*` precision: takes a long argument before the value. */
  dynamicPrecision: boolean;
  precision?: number;
  /** For `number`: 8, 10 or 16. */
  base?: number;
  /** The conversion character (`d`, `s`, …); '' for literals. */
  conversion: string;
}

/** A malformed format string: stap's parse error text. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

export const INVALID_CONVERSION = 'invalid or missing conversion specifier';
export const TRAILING_INCOMPLETE = 'trailing incomplete print format conversion';

const FLAGS = '0+- #';

const CONVERSIONS: Record<string, { type: ConversionType; base?: number }> = {
  b: { type: 'binary' },
  c: { type: 'char' },
  s: { type: 'string' },
  m: { type: 'memory' },
  M: { type: 'memory_hex' },
  p: { type: 'pointer' },
  d: { type: 'number', base: 10 },
  i: { type: 'number', base: 10 },
  u: { type: 'number', base: 10 },
  o: { type: 'number', base: 8 },
  x: { type: 'number', base: 16 },
  X: { type: 'number', base: 16 },
};

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Mirrors staptree.cxx `print_format::string_to_components`; throws a {@link FormatError}. */
export function stringToComponents(str: string): FormatComponent[] {
  const out: FormatComponent[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') out.push(blank('literal', literal));
    literal = '';
  };
  let i = 0;
  const n = str.length;
  while (i < n) {
    if (str[i] !== '%') {
      literal += str[i];
      i++;
      continue;
    }
    if (i + 1 === n) throw new FormatError(INVALID_CONVERSION);
    if (str[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    const prefix = literal;
    flushLiteral();
    i++;
    const c = blank('literal', prefix);
    let started = false;
    while (i < n && FLAGS.includes(str[i]!)) {
      c.flags += str[i];
      started = true;
      i++;
    }
    if (i === n) {
      if (started) throw new FormatError(TRAILING_INCOMPLETE);
      break;
    }
    if (str[i] === '*') {
      c.dynamicWidth = true;
      started = true;
      i++;
    } else if (isDigit(str[i])) {
      let w = 0;
      while (i < n && isDigit(str[i])) w = w * 10 + Number(str[i++]);
      c.width = w;
      started = true;
    }
    if (i === n) {
      if (started) throw new FormatError(TRAILING_INCOMPLETE);
      break;
    }
    if (str[i] === '.') {
      i++;
      if (i === n) {
        if (started) throw new FormatError(TRAILING_INCOMPLETE);
        break;
      }
      if (str[i] === '*') {
        c.dynamicPrecision = true;
        started = true;
        i++;
      } else if (isDigit(str[i])) {
        let p = 0;
        while (i < n && isDigit(str[i])) p = p * 10 + Number(str[i++]);
        c.precision = p;
        started = true;
      }
    }
    if (i === n) {
      if (started) throw new FormatError(TRAILING_INCOMPLETE);
      break;
    }
    if (str[i] === 'l') i++;
    if (i === n) {
      if (started) throw new FormatError(TRAILING_INCOMPLETE);
      break;
    }
    const conv = CONVERSIONS[str[i]!];
    if (!conv) throw new FormatError(INVALID_CONVERSION);
    c.type = conv.type;
    c.base = conv.base;
    c.conversion = str[i]!;
    i++;
    out.push(c);
  }
  flushLiteral();
  return out;
}

function blank(type: ConversionType, literal: string): FormatComponent {
  return { type, literal, flags: '', dynamicWidth: false, dynamicPrecision: false, conversion: '' };
}

/** The conversions of a format (its non-literal components). */
export function conversions(components: readonly FormatComponent[]): FormatComponent[] {
  return components.filter((c) => c.type !== 'literal');
}

/** How many arguments a format takes: one per conversion, plus one per `*`. */
export function expectedArgCount(components: readonly FormatComponent[]): number {
  let n = 0;
  for (const c of conversions(components)) n += 1 + (c.dynamicWidth ? 1 : 0) + (c.dynamicPrecision ? 1 : 0);
  return n;
}

/** The argument type a conversion wants: `%s` a string, every other conversion a long. */
export function conversionArgType(c: FormatComponent): 'long' | 'string' {
  return c.type === 'string' ? 'string' : 'long';
}
