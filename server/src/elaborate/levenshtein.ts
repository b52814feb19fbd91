/**
 * Name suggestions for "did you mean" messages: util.cxx `levenshtein` and
 * `levenshtein_suggest`, as used by `unresolved function foo (similar: a, b, c, d, e)` and
 * `probe point mismatch (similar: …)`.
 *
 * stap ranks the candidates (a sorted set of names) by its edit distance and prints the best
 * `max`, ties in name order. Its distance is not the textbook one; measured against stap 4.8
 * (70 controlled rankings with a one-file tapset directory, and the stock tapsets), it behaves
 * as this weighted edit distance, in half-steps:
 *   - a deletion, insertion or substitution costs 2,
 *   - a substitution of a letter by the same letter in the other case costs 1,
 *   - dropping a leading run of the longer string costs 1 per character
 *     (so `bcdefg` is closer to `abcdefg` than `abcdef`, and `zabc` closer to `abc` than `abcz`).
 */
import { compareStrings } from './model';

/** The distance levenshtein_suggest ranks by (see the header), between `a` and `b`. */
export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  // d[i][j] over a[0..i) and b[0..j), one row at a time; row i=0 is j, column j=0 is i.
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const x = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const y = b[j - 1];
      const sub = x === y ? 0 : x.toLowerCase() === y.toLowerCase() ? 1 : 2;
      cur[j] = Math.min(prev[j - 1] + sub, prev[j] + 2, cur[j - 1] + 2);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** The default `threshold` of `levenshtein_suggest`: none was observable (a 100-character gap still suggests). */
export const DEFAULT_THRESHOLD = Number.POSITIVE_INFINITY;

/**
 * util.cxx `levenshtein_suggest`: up to `max` names of `candidates` closest to `target`, joined
 * with `, ` (empty when none qualifies).
 */
export function levenshteinSuggest(
  target: string,
  candidates: Iterable<string>,
  max: number,
  threshold = DEFAULT_THRESHOLD,
): string {
  const names = [...new Set(candidates)].sort(compareStrings);
  const scored: { score: number; name: string }[] = [];
  for (const name of names) {
    if (name === '') continue;
    if (Math.abs(target.length - name.length) > threshold) continue;
    const score = levenshtein(target, name);
    if (score <= threshold) scored.push({ score, name });
  }
  // A stable sort keeps name order among equal scores (std::multimap insertion order).
  scored.sort((x, y) => x.score - y.score);
  return scored
    .slice(0, max)
    .map((s) => s.name)
    .join(', ');
}
