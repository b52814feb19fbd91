/**
 * Name suggestions for "did you mean" messages: util.cxx `levenshtein` and
 * `levenshtein_suggest`, as used by `unresolved function foo (similar: a, b, c, d, e)`.
 *
 * stap ranks the candidates (a sorted set of names) by edit distance and prints the best `max`,
 * ties in name order; candidates whose length differs from the target's by more than
 * `threshold` are skipped without scoring.
 */
import { compareStrings } from './model';

/** util.cxx `levenshtein`: the edit distance between `a` and `b` (unit costs). */
export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] : 1 + Math.min(prev[j - 1], prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** The default `threshold` of `levenshtein_suggest`. */
export const DEFAULT_THRESHOLD = 1000;

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
