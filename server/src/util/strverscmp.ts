/**
 * glibc's `strverscmp` (version-string order), which stap uses for `kernel_v`, `kernel_vr` and
 * `systemtap_v` conditions (parse.cxx `eval_pp_conditional`) and for `--compatible` checks.
 * Written from the documented behaviour (man 3 strverscmp) and checked against the C library.
 *
 * Strings compare byte by byte, except that digit runs compare as numbers, and a digit run
 * with a leading zero is a "fractional part": `000 < 00 < 01 < 010 < 09 < 0 < 1 < 9 < 10`.
 * Comparison is on bytes (latin1 code units here), like the C function under the C locale.
 */

/** What the common prefix ends in, which decides how the first differing bytes compare. */
const enum Run {
  /** Not in a digit run (or at the start). */
  None,
  /** In a digit run that started with 1-9: an integer part. */
  Integer,
  /** In a digit run that started with 0 and has a non-zero digit: a fractional part. */
  Fraction,
  /** In a digit run of zeros only (a leading-zero run so far). */
  Zeros,
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const ZERO = 0x30;

/** The run state after reading byte `c` in state `run`. */
function advance(run: Run, c: number): Run {
  if (!isDigit(c)) return Run.None;
  switch (run) {
    case Run.None:
      return c === ZERO ? Run.Zeros : Run.Integer;
    case Run.Zeros:
      return c === ZERO ? Run.Zeros : Run.Fraction;
    default:
      return run;
  }
}

/** The length of the digit run of `s` starting at `i`. */
function digitsFrom(s: string, i: number): number {
  let n = 0;
  while (i + n < s.length && isDigit(s.charCodeAt(i + n))) n++;
  return n;
}

/**
 * Compares two version strings as glibc `strverscmp` does: negative, zero or positive.
 * Like the C function, the sign is what matters; the magnitude is a byte difference or ±1.
 */
export function strverscmp(a: string, b: string): number {
  let run = Run.None;
  let i = 0;
  // Walk the common prefix. A string's end reads as byte 0, as in C.
  for (;;) {
    const ca = i < a.length ? a.charCodeAt(i) : 0;
    const cb = i < b.length ? b.charCodeAt(i) : 0;
    if (ca !== cb) break;
    if (ca === 0) return 0;
    run = advance(run, ca);
    i++;
  }
  const ca = i < a.length ? a.charCodeAt(i) : 0;
  const cb = i < b.length ? b.charCodeAt(i) : 0;
  const diff = ca - cb;
  const da = isDigit(ca);
  const db = isDigit(cb);
  // The longer of two digit runs is the bigger number; equal lengths fall back to the bytes.
  const byLength = (): number => {
    const la = digitsFrom(a, i + 1);
    const lb = digitsFrom(b, i + 1);
    if (la !== lb) return la > lb ? 1 : -1;
    return diff;
  };
  switch (run) {
    case Run.None:
      // Two numbers starting here: if neither has a leading zero, the longer one is bigger.
      return da && db && ca !== ZERO && cb !== ZERO ? byLength() : diff;
    case Run.Integer:
      // Inside an integer: the one whose digits go on is bigger.
      if (da && db) return byLength();
      if (da) return 1;
      if (db) return -1;
      return diff;
    case Run.Zeros:
      // Inside leading zeros: more zeros or more digits means a smaller fraction.
      if (da && db) return diff;
      if (da) return -1;
      if (db) return 1;
      return diff;
    case Run.Fraction:
      return diff;
  }
}
