/**
 * POSIX `fnmatch` with only `FNM_NOESCAPE`, as stap calls it for wildcard comparisons in
 * preprocessor conditions (`kernel_v == "6.*"`, `arch == "arm*"`, `CONFIG_X == "[ym]"`;
 * parse.cxx `eval_pp_conditional`). Written from POSIX and checked against glibc.
 *
 * - `*` matches any run of bytes, `/` and a leading `.` included (no `FNM_PATHNAME`/`FNM_PERIOD`).
 * - `?` matches any one byte.
 * - `[...]` matches one byte from a set: `!` or `^` first negates it, a `]` first is a member,
 *   `a-z` is a range (byte order, the C locale), `-` first or last is a member, and
 *   `[:class:]`, `[=c=]` and `[.c.]` are recognised. A `[` without its `]` is an ordinary byte.
 * - `\` is an ordinary byte (`FNM_NOESCAPE`).
 */

/** One element of a compiled pattern. */
type Element =
  | { kind: 'byte'; code: number }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; members: Member[] }
  /** A bracket expression glibc rejects outright (a multi-byte `[=ab=]`): nothing matches. */
  | { kind: 'invalid' };

/**
 * A bracket member. glibc tries them in order and stops at the first that matches; reaching a
 * member it cannot use (an unknown `[:class:]`, a multi-byte `[.ab.]`) makes the bracket fail
 * to match, negated or not.
 */
type Member = ((c: number) => boolean) | 'unusable';

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => isDigit(c),
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !isAlpha(c) && !isDigit(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Parses the bracket expression whose `[` is at `start`. Returns the element and the index
 * after its `]`, or undefined when there is no closing `]` (then `[` is an ordinary byte).
 */
function parseBracket(p: string, start: number): { element: Element; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (p[i] === '!' || p[i] === '^') {
    negated = true;
    i++;
  }
  const tests: Member[] = [];
  let invalid = false;
  let first = true;
  for (;;) {
    if (i >= p.length) return undefined;
    const ch = p[i];
    if (ch === ']' && !first) {
      i++;
      break;
    }
    first = false;
    // The start of a range, or a single member: a byte, or a [=c=] / [.c.] collating element.
    let low: number;
    if (ch === '[' && (p[i + 1] === ':' || p[i + 1] === '=' || p[i + 1] === '.')) {
      const delim = p[i + 1];
      const close = p.indexOf(`${delim}]`, i + 2);
      if (close < 0) return undefined;
      const name = p.slice(i + 2, close);
      i = close + 2;
      if (delim === ':') {
        tests.push(CLASSES[name] ?? 'unusable');
        continue;
      }
      // A collating element or equivalence class of one byte stands for that byte.
      if (name.length !== 1) {
        if (delim === '=') invalid = true;
        else tests.push('unusable');
        continue;
      }
      low = name.charCodeAt(0);
      if (delim === '=') {
        tests.push((c) => c === low);
        continue;
      }
    } else {
      low = p.charCodeAt(i);
      i++;
    }
    // A range `low-high`, unless the `-` is the last thing before `]`.
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      let high: number;
      if (p[i + 1] === '[' && p[i + 2] === '.') {
        const close = p.indexOf('.]', i + 3);
        if (close < 0) return undefined;
        const name = p.slice(i + 3, close);
        i = close + 2;
        if (name.length !== 1) {
          tests.push('unusable');
          continue;
        }
        high = name.charCodeAt(0);
      } else {
        high = p.charCodeAt(i + 1);
        i += 2;
      }
      const lo = low;
      tests.push((c) => c >= lo && c <= high);
    } else {
      const lo = low;
      tests.push((c) => c === lo);
    }
  }
  if (invalid) return { element: { kind: 'invalid' }, end: i };
  return { element: { kind: 'set', negated, members: tests }, end: i };
}

function compile(pattern: string): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '*') {
      // Consecutive stars are one star.
      if (out.length === 0 || out[out.length - 1].kind !== 'star') out.push({ kind: 'star' });
      i++;
    } else if (ch === '?') {
      out.push({ kind: 'any' });
      i++;
    } else if (ch === '[') {
      const bracket = parseBracket(pattern, i);
      if (bracket) {
        out.push(bracket.element);
        i = bracket.end;
      } else {
        out.push({ kind: 'byte', code: 0x5b });
        i++;
      }
    } else {
      out.push({ kind: 'byte', code: pattern.charCodeAt(i) });
      i++;
    }
  }
  return out;
}

function matchOne(e: Element, c: number): boolean {
  switch (e.kind) {
    case 'byte':
      return e.code === c;
    case 'any':
      return true;
    case 'set':
      for (const m of e.members) {
        if (m === 'unusable') return false;
        if (m(c)) return !e.negated;
      }
      return e.negated;
    default:
      return false;
  }
}

/**
 * True when `text` matches the glob `pattern` (glibc `fnmatch(pattern, text, FNM_NOESCAPE) == 0`).
 */
export function fnmatch(pattern: string, text: string): boolean {
  const elements = compile(pattern);
  if (elements.some((e) => e.kind === 'invalid')) return false;
  // Classic backtracking over the last star: linear in practice, never exponential.
  let e = 0;
  let t = 0;
  let starE = -1;
  let starT = 0;
  while (t < text.length) {
    if (e < elements.length && elements[e].kind === 'star') {
      starE = e++;
      starT = t;
    } else if (e < elements.length && matchOne(elements[e], text.charCodeAt(t))) {
      e++;
      t++;
    } else if (starE >= 0) {
      e = starE + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (e < elements.length && elements[e].kind === 'star') e++;
  return e === elements.length;
}

/** True when `s` contains a glob character (`*`, `?` or `[`), as stap tests with `strpbrk`. */
export function hasWildcard(s: string): boolean {
  return /[*?[]/.test(s);
}
