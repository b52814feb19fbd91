// A deterministic source mutator for robustness (fuzz-style) tests: a seeded PRNG (mulberry32),
// a crude regex tokeniser for SystemTap, single-step mutations (delete/duplicate/swap tokens,
// truncate, insert nasty characters, delete/insert lines), a mutant generator over a corpus,
// and a small delta-debugging minimiser for reporting failing inputs. No I/O, no parser.

/** mulberry32: a tiny 32-bit PRNG; the same seed always yields the same sequence in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience wrapper over a seeded PRNG. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [0, n). n must be > 0. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A deterministic Fisher-Yates shuffle of a copy of `items`. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** A token as a half-open range of string (UTF-16) indexes. */
export interface Token {
  start: number;
  end: number;
}

// Crude SystemTap tokens: strings, comments, embedded C, preprocessor markers, words, numbers,
// multi-character operators, then any other single non-space character.
const TOKEN_RE = new RegExp(
  [
    String.raw`"(?:[^"\\\n]|\\.)*"?`,
    String.raw`/\*[\s\S]*?(?:\*/|$)`,
    String.raw`//[^\n]*`,
    String.raw`#[^\n]*`,
    String.raw`%\{[\s\S]*?(?:%\}|$)`,
    String.raw`%[(?:)]`,
    String.raw`[A-Za-z_$@][\w$@]*`,
    String.raw`0[xX][0-9a-fA-F]+|\d+`,
    String.raw`<<<|>>=|<<=|&&|\|\||[-+*/%<>=!&|^.]=|\+\+|--|->|<<|>>|=~|!~`,
    String.raw`\S`,
  ].join('|'),
  'gu',
);

/** Splits SystemTap source into crude tokens (whitespace is not a token). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const start = m.index ?? 0;
    tokens.push({ start, end: start + m[0].length });
  }
  return tokens;
}

export const MUTATION_KINDS = [
  'delete-token',
  'duplicate-token',
  'swap-tokens',
  'truncate',
  'insert-bytes',
  'delete-line',
  'insert-line',
] as const;

export type MutationKind = (typeof MUTATION_KINDS)[number];

/**
 * Fragments for 'insert-bytes': control characters (NUL first), high Latin-1 "bytes", a lone
 * surrogate, an astral character, and the openers/closers that steer the lexer and the
 * external scanner (preprocessor markers, embedded C, strings, comments, brackets).
 */
export const NASTY_FRAGMENTS: readonly string[] = [
  '\0',
  '\x01',
  '\x1b',
  '\x7f',
  '\x80',
  '\x85',
  '\xa0',
  '\xff',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\u{1f600}',
  '%(',
  '%?',
  '%:',
  '%)',
  '%{',
  '%}',
  '"',
  '\\',
  '/*',
  '*/',
  '//',
  '#',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '$',
  '@',
  '\n',
  '\r',
  '\t',
  'else',
  'probe',
  '@define',
];

/** Whole lines for 'insert-line', besides lines copied from the same file. */
export const NASTY_LINES: readonly string[] = [
  '%(',
  '%)',
  '%( kernel_v >= "2.6" %?',
  '%: ',
  '%{',
  '%}',
  '}',
  '{',
  'probe',
  'probe begin {',
  'function f(',
  'function f:long (x) %{ /* pure */',
  'global',
  '@define m(a) %( @a + %)',
  '@m(',
  'if (x) {',
  '} else',
  'else',
  'foreach ([a, b] in arr-)',
  '"unterminated',
  '/* unterminated comment',
  'x = $var->field[',
  'private',
  '\0\0\0',
  '\xff\xfe',
];

function lineBounds(text: string): Array<[number, number]> {
  // [start, end) of every line including its newline.
  const out: Array<[number, number]> = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      if (start < text.length || out.length === 0) out.push([start, text.length]);
      return out;
    }
    out.push([start, nl + 1]);
    start = nl + 1;
  }
}

/** Applies one mutation of the given kind; the result may equal the input for tiny inputs. */
export function applyMutation(text: string, kind: MutationKind, rng: Rng, tokens?: Token[]): string {
  switch (kind) {
    case 'delete-token':
    case 'duplicate-token':
    case 'swap-tokens': {
      const toks = tokens ?? tokenize(text);
      if (toks.length === 0) return applyMutation(text, 'insert-bytes', rng);
      const i = rng.int(toks.length);
      const t = toks[i];
      if (kind === 'delete-token') return text.slice(0, t.start) + text.slice(t.end);
      if (kind === 'duplicate-token') {
        const sep = rng.chance(0.5) ? ' ' : '';
        return text.slice(0, t.end) + sep + text.slice(t.start, t.end) + text.slice(t.end);
      }
      if (i + 1 >= toks.length) return text.slice(0, t.start) + text.slice(t.end);
      const u = toks[i + 1];
      return (
        text.slice(0, t.start) +
        text.slice(u.start, u.end) +
        text.slice(t.end, u.start) +
        text.slice(t.start, t.end) +
        text.slice(u.end)
      );
    }
    case 'truncate':
      return text.slice(0, rng.int(text.length + 1));
    case 'insert-bytes': {
      const at = rng.int(text.length + 1);
      let insert = '';
      const n = rng.range(1, 4);
      for (let k = 0; k < n; k++) {
        insert += rng.chance(0.8) ? rng.pick(NASTY_FRAGMENTS) : String.fromCharCode(rng.int(256));
      }
      return text.slice(0, at) + insert + text.slice(at);
    }
    case 'delete-line': {
      const lines = lineBounds(text);
      const [s, e] = rng.pick(lines);
      return text.slice(0, s) + text.slice(e);
    }
    case 'insert-line': {
      const lines = lineBounds(text);
      const [at] = rng.pick(lines);
      let line: string;
      if (rng.chance(0.5)) {
        const [s, e] = rng.pick(lines);
        line = text.slice(s, e);
        if (!line.endsWith('\n')) line += '\n';
      } else {
        line = rng.pick(NASTY_LINES) + '\n';
      }
      return text.slice(0, at) + line + text.slice(at);
    }
  }
}

export interface Mutant {
  /** Index in the generated sequence (0-based). */
  index: number;
  /** Name of the source the mutant came from. */
  source: string;
  /** Mutation kinds applied, in order. */
  kinds: MutationKind[];
  text: string;
}

export interface MutantOptions {
  /** How many mutants to produce. */
  count: number;
  /** PRNG seed; the same seed and corpus give the same mutants. */
  seed: number;
  /** Probability that a mutant gets a second (and then a third) mutation. Default 0.25. */
  stackProbability?: number;
}

/**
 * Generates `count` mutants from the corpus, cycling through the sources in order and picking
 * mutation kinds uniformly. Deterministic for a given corpus order, count and seed.
 */
export function* generateMutants(
  corpus: ReadonlyArray<{ name: string; text: string }>,
  options: MutantOptions,
): Generator<Mutant> {
  if (corpus.length === 0) return;
  const rng = new Rng(options.seed);
  const stack = options.stackProbability ?? 0.25;
  const tokenCache = new Map<number, Token[]>();
  for (let index = 0; index < options.count; index++) {
    const which = index % corpus.length;
    const { name, text: original } = corpus[which];
    let text = original;
    const kinds: MutationKind[] = [];
    do {
      const kind = rng.pick(MUTATION_KINDS);
      let tokens: Token[] | undefined;
      if (kinds.length === 0) {
        tokens = tokenCache.get(which);
        if (!tokens) tokenCache.set(which, (tokens = tokenize(original)));
      }
      text = applyMutation(text, kind, rng, tokens);
      kinds.push(kind);
    } while (kinds.length < 3 && rng.chance(stack));
    yield { index, source: name, kinds, text };
  }
}

/**
 * Delta debugging (ddmin-style, removing chunks of characters of halving size): shrinks `input`
 * while `fails` keeps returning true. Bounded by `maxSteps` predicate calls; returns the smallest failing input found.
 */
export function minimise(input: string, fails: (text: string) => boolean, maxSteps = 2000): string {
  let current = input;
  let steps = 0;
  let chunk = Math.max(1, Math.floor(current.length / 2));
  while (chunk >= 1 && steps < maxSteps) {
    let shrunk = false;
    for (let start = 0; start < current.length && steps < maxSteps; ) {
      const candidate = current.slice(0, start) + current.slice(start + chunk);
      steps++;
      if (candidate.length < current.length && fails(candidate)) {
        current = candidate;
        shrunk = true;
      } else {
        start += chunk;
      }
    }
    if (!shrunk) chunk = Math.floor(chunk / 2);
  }
  return current;
}
