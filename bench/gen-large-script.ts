// A generated 2,000-line SystemTap script for the language-server benchmark: functions with
// locals, loops and string calls, timer probes filling a stats array and two other globals
// through tapset functions, and an end probe that prints the stats. Each block is alike, so
// positions for hover/definition/completion can be picked anywhere.

/** The script text, about `lines` lines long. */
export function largeScript(lines = 2000): string {
  const parts: string[] = ['global counts, totals, names', ''];
  for (let i = 0; parts.length < lines - 12; i++) {
    parts.push(
      `function helper_${i}:long (x:long, s:string) {`,
      `  if (x > ${i}) return x * 2 + strlen(s)`,
      '  total = 0',
      '  for (j = 0; j < x; j++) total += j',
      '  return total',
      '}',
      `probe timer.ms(${100 + i}) {`,
      `  counts[execname(), pid()] <<< helper_${i}(${i}, "n${i}")`,
      '  totals[tid()] += 1',
      `  names[cpu()] = sprintf("%s-%d", execname(), ${i})`,
      '}',
      '',
    );
  }
  parts.push('probe end { foreach ([e, p] in counts) printf("%s %d %d\\n", e, p, @count(counts[e, p])) }');
  return `${parts.join('\n')}\n`;
}
