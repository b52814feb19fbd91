/**
 * What surrounds the cursor in a script that may not parse: a forgiving scan of the text into
 * tokens (comments, strings, embedded code, `$`/`@` words, preprocessor brackets) and the
 * top-level declarations they form (probe, alias, function, global, `@define`), with the
 * header/body split of each. Completion and signature help read this, not the parser, because
 * the line being typed is usually broken. It follows the shape of stap's lexer (parse.cxx
 * `lexer::scan`: `#`, `//` and `/* *\/` comments, `%{ %}`, `%( %? %: %)`) without its errors;
 * a `probe`, `function` or `global` keyword inside an unclosed body starts a new declaration,
 * as none of them can appear in a body.
 *
 * Offsets are indexes into the analysis bytes (latin1 of UTF-8): identifiers are ASCII, so the
 * bytes are as good as characters here.
 */

export type TokKind =
  | 'ident'
  /** `$name`, `$$vars`, `$1`, `$#`, or a lone `$`. */
  | 'target'
  /** `@name`, `@1`, `@#`, or a lone `@`. */
  | 'at'
  | 'number'
  | 'string'
  | 'op'
  /** `%{ … %}`. */
  | 'embedded'
  /** `%(`, `%?`, `%:`, `%)`. */
  | 'pp'
  | 'comment';

export interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
  /** A string, comment or embedded block that runs to the end of the text. */
  open?: true;
}

const OPS3 = ['<<<', '>>>', '<<=', '>>='];
const OPS2 = ['->', '+=', '-=', '*=', '/=', '%=', '.=', '&=', '|=', '^=', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>', '++', '--', '=~', '!~'];

const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentChar = (c: string) => isIdentStart(c) || (c >= '0' && c <= '9');

let lastText: string | undefined;
let lastToks: Tok[] = [];

/**
 * Scans the whole text; never fails. The last result is kept: completion, signature help and
 * their retriggers ask about the same text many times while the cursor moves.
 */
export function scanText(text: string): Tok[] {
  if (text !== lastText) {
    lastToks = scan(text);
    lastText = text;
  }
  return lastToks;
}

function scan(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokKind, start: number, end: number, open?: boolean) => {
    const t: Tok = { kind, text: text.slice(start, end), start, end };
    if (open) t.open = true;
    out.push(t);
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    const c2 = text[i + 1];
    if (c === '#' || (c === '/' && c2 === '/')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      push('comment', start, i, nl < 0);
      continue;
    }
    if (c === '/' && c2 === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      push('comment', start, i, close < 0);
      continue;
    }
    if (c === '"') {
      i++;
      // A string left open ends at the line's end (the editor's text is often incomplete).
      while (i < n && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' && text[i + 1] !== '\n' ? 2 : 1;
      const open = i >= n || text[i] === '\n';
      if (!open) i++;
      push('string', start, i, open);
      continue;
    }
    if (c === '%' && c2 === '{') {
      const close = text.indexOf('%}', i + 2);
      i = close < 0 ? n : close + 2;
      push('embedded', start, i, close < 0);
      continue;
    }
    if (c === '%' && (c2 === '(' || c2 === '?' || c2 === ':' || c2 === ')')) {
      i += 2;
      push('pp', start, i);
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentChar(text[i])) i++;
      push('ident', start, i);
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < n && isIdentChar(text[i])) i++;
      push('number', start, i);
      continue;
    }
    if (c === '$' || c === '@') {
      i++;
      if (c === '$' && text[i] === '$') i++;
      if (text[i] === '#') i++;
      else while (i < n && isIdentChar(text[i])) i++;
      push(c === '$' ? 'target' : 'at', start, i);
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    const len = OPS3.includes(three) ? 3 : OPS2.includes(two) ? 2 : 1;
    i += len;
    push('op', start, i);
  }
  return out;
}

export type DeclKind = 'probe' | 'alias' | 'function' | 'global' | 'define' | 'other';

/** A top-level declaration: its tokens `[first, end)` and, once it has one, its body braces. */
export interface Decl {
  kind: DeclKind;
  /** Index of its first token (`probe`, `function`, `global`, `private`, `@define`). */
  first: number;
  /** One past its last token. */
  end: number;
  /** Index of the body's `{` (probe, alias, function). */
  bodyOpen?: number;
  /** Index of the body's closing `}`; undefined while it is unclosed. */
  bodyClose?: number;
  /** For an alias: the index of its `=` or `+=`. */
  aliasOp?: number;
}

const STARTERS = new Set(['probe', 'function', 'global', 'private']);

const declCache = new WeakMap<readonly Tok[], Decl[]>();

/** The top-level declarations, in order (comments are skipped, not part of any). */
export function declarations(toks: readonly Tok[]): Decl[] {
  let decls = declCache.get(toks);
  if (!decls) declCache.set(toks, (decls = findDeclarations(toks)));
  return decls;
}

function findDeclarations(toks: readonly Tok[]): Decl[] {
  const decls: Decl[] = [];
  let cur: Decl | undefined;
  let depth = 0;
  let parens = 0;
  const close = (at: number) => {
    if (cur) cur.end = at;
    cur = undefined;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'comment') continue;
    // A declaration keyword where no statement may have one: the body before was left open.
    // `kernel.function(…)`: after a dot it is a probe-point component.
    if (t.kind === 'ident' && STARTERS.has(t.text) && prevCode(toks, i)?.text !== '.') {
      // `private function` / `private global`: the same declaration.
      if (cur && cur.first === i - 1 && toks[i - 1].text === 'private' && t.text !== 'probe' && t.text !== 'private') {
        cur.kind = t.text === 'function' ? 'function' : 'global';
        continue;
      }
      close(i);
      depth = 0;
      parens = 0;
      cur = { kind: t.text === 'probe' ? 'probe' : t.text === 'function' ? 'function' : t.text === 'global' ? 'global' : 'other', first: i, end: toks.length };
      decls.push(cur);
      continue;
    }
    if (t.kind === 'at' && t.text === '@define' && depth === 0) {
      close(i);
      cur = { kind: 'define', first: i, end: toks.length };
      decls.push(cur);
      // Up to the matching `%)` of its body.
      let pp = 0;
      let j = i + 1;
      for (; j < toks.length; j++) {
        if (toks[j].text === '%(') pp++;
        else if (toks[j].text === '%)' && --pp <= 0) break;
      }
      i = Math.min(j, toks.length - 1);
      close(i + 1);
      continue;
    }
    if (!cur) {
      cur = { kind: 'other', first: i, end: toks.length };
      decls.push(cur);
    }
    if (t.kind !== 'op') continue;
    if (t.text === '(' || t.text === '[') parens++;
    else if (t.text === ')' || t.text === ']') parens = Math.max(0, parens - 1);
    else if (t.text === '{') {
      if (depth === 0 && cur.bodyOpen === undefined && (cur.kind === 'probe' || cur.kind === 'alias' || cur.kind === 'function')) {
        cur.bodyOpen = i;
      }
      depth++;
    } else if (t.text === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && cur.bodyOpen !== undefined && cur.bodyClose === undefined) {
        cur.bodyClose = i;
        // `probe a = b { } , { }` goes on; anything else ends here.
        const next = nextCode(toks, i);
        if (!(cur.kind === 'alias' && next?.text === ',')) close(i + 1);
      }
    } else if ((t.text === '=' || t.text === '+=') && depth === 0 && parens === 0 && cur.kind === 'probe' && cur.bodyOpen === undefined) {
      cur.kind = 'alias';
      cur.aliasOp = i;
    }
  }
  return decls;
}

export function prevCode(toks: readonly Tok[], i: number): Tok | undefined {
  for (let j = i - 1; j >= 0; j--) if (toks[j].kind !== 'comment') return toks[j];
  return undefined;
}

export function nextCode(toks: readonly Tok[], i: number): Tok | undefined {
  for (let j = i + 1; j < toks.length; j++) if (toks[j].kind !== 'comment') return toks[j];
  return undefined;
}

/** The index of the first token that ends after `offset` (the one at or after the cursor). */
export function tokenIndexAt(toks: readonly Tok[], offset: number): number {
  let lo = 0;
  let hi = toks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (toks[mid].end < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The declaration whose tokens hold index `i` (or that an unclosed one runs into). */
export function declAt(decls: readonly Decl[], i: number): Decl | undefined {
  for (const d of decls) if (d.first <= i && i < d.end) return d;
  return undefined;
}

export const KEYWORDS = new Set([
  'probe', 'function', 'global', 'private', 'if', 'else', 'for', 'foreach', 'while', 'in', 'limit',
  'return', 'delete', 'next', 'break', 'continue', 'try', 'catch', 'string', 'long',
]);

/** One probe point of a header, as written: components and where the point starts. */
export interface WrittenComponent {
  name: string;
  arg?: 'string' | 'number';
  /** Offset of the component's name. */
  start: number;
}

/**
 * The probe points of a header's tokens `[from, to)` (after `probe`, or after an alias's `=`):
 * each point's components, split at depth-0 `.` and `,`. A `(` argument's kind is taken from its
 * first token. Globs (`sys*call`) are joined back into one name.
 */
export function probePoints(toks: readonly Tok[], from: number, to: number): WrittenComponent[][] {
  const points: WrittenComponent[][] = [];
  let point: WrittenComponent[] = [];
  let comp: WrittenComponent | undefined;
  let parens = 0;
  let lastEnd = -1;
  for (let i = from; i < to; i++) {
    const t = toks[i];
    if (t.kind === 'comment') continue;
    if (parens > 0) {
      if (t.text === '(') parens++;
      else if (t.text === ')') parens--;
      else if (parens === 1 && comp && comp.arg === undefined) {
        comp.arg = t.kind === 'string' || (t.kind === 'at' && t.text !== '@') ? 'string' : 'number';
      }
      lastEnd = t.end;
      continue;
    }
    if (t.text === '(') {
      parens = 1;
      if (comp?.name === 'if') {
        // A condition: the point ends before it.
        point.pop();
        comp = undefined;
      }
      continue;
    }
    if (t.text === '.') {
      comp = undefined;
      lastEnd = t.end;
      continue;
    }
    if (t.text === ',' || t.text === '{' || t.text === '=' || t.text === '+=') {
      if (point.length) points.push(point);
      point = [];
      comp = undefined;
      if (t.text === '{') break;
      continue;
    }
    if (t.text === '?' || t.text === '!') continue;
    if (t.kind === 'ident' || t.kind === 'number' || t.text === '*' || t.text === '**' || t.kind === 'target' || t.kind === 'at') {
      if (comp && t.start === lastEnd) {
        comp.name += t.text;
      } else {
        comp = { name: t.text, start: t.start };
        point.push(comp);
      }
      lastEnd = t.end;
    }
  }
  if (point.length) points.push(point);
  return points;
}
