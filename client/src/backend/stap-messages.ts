/**
 * stap's messages (stderr, and pass-5 errors on stdout) turned into diagnostics, the failed pass
 * and one sentence for the user. Follows what stap 4.8 prints (see the stap-sandbox README,
 * "Diagnostics"):
 *
 *   semantic error: type mismatch: expected long but found string: string 's' at :3:22
 *           source:   printf("%d\n", y + "s")
 *   parse error: expected one of ', )'
 *           saw: operator '}' at parse.stp:3:1
 *   WARNING: never-assigned local variable 'y': identifier 'y' at sem.stp:3:18
 *   Pass 2: analysis failed.  [man error::pass2]
 *   \e[1m\e[31mERROR: \e[0mboom            (stdout, from error() in pass 5)
 *
 * The location is `at FILE:LINE:COL` at the end of the header line or of a following `saw:` /
 * `at:` line. stap leaves FILE empty when it is the file it named last, and names a `-e` or
 * stdin script `<input>`. LINE and COL are stap's: 1-based, COL counts bytes (a tab is 1).
 * An error without a location (`semantic error: no probes found`) is put at 1:1 of the script;
 * a warning without one (`WARNING: Number of errors: 1`) is about the run, not the script, and
 * is no diagnostic.
 */
import type { StapDiagnostic } from './types';

export interface StapMessages {
  diagnostics: StapDiagnostic[];
  /** N of stap's `Pass N: ... failed.` line. */
  failedPass?: number;
  /** One sentence when something failed: the failed pass and the first error. */
  message?: string;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const HEADER = /^(parse error|semantic error|WARNING|ERROR): ?(.*)$/;
const FOLLOW_UP = /^\s+(saw|at): (.*)$/;
const FAILED_PASS = /^Pass (\d): (.*? failed)\.(?:\s+\[man [^\]]*\])?\s*$/;
/** stdout is the script's own output: only the coloured `ERROR: ` is stap's (the sandbox README: always coloured). */
const STDOUT_ERROR = /^\x1b\[1m\x1b\[31mERROR: \x1b\[0m(.*)$/;
/** Lines that are neither a message nor its context. */
const BOILERPLATE = /^(Tip: |A message like \[man|\d+ parse errors?\.|Try '--help')/;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * @param scriptPath the script as the user knows it: `<input>` and the script's own name map to it
 * @param mapFile maps a file name stap printed (after filling in an empty one) to the user's name
 *   for it (e.g. a remote temp file back to the local script); default: unchanged
 */
export function parseStapMessages(
  stderr: string,
  stdout: string,
  scriptPath: string,
  mapFile: (f: string) => string = (f) => f,
): StapMessages {
  const diagnostics: StapDiagnostic[] = [];
  const errors: string[] = [];
  const otherLines: string[] = [];
  let failedPass: number | undefined;
  let failedLine: string | undefined;
  let lastFile: string | undefined;

  const resolveFile = (printed: string): string => {
    const file = printed === '' ? (lastFile ?? '<input>') : printed;
    lastFile = file;
    return file === '<input>' ? scriptPath : mapFile(file);
  };
  const isKnownFile = (printed: string): boolean =>
    printed === '' || printed === '<input>' || printed === scriptPath || printed === lastFile || mapFile(printed) === scriptPath;

  const lines = stderr.split('\n').map((l) => stripAnsi(l).replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const passMatch = FAILED_PASS.exec(line);
    if (passMatch) {
      failedPass ??= Number(passMatch[1]);
      failedLine ??= `Pass ${passMatch[1]}: ${passMatch[2]}`;
      continue;
    }
    const header = HEADER.exec(line);
    if (!header) {
      if (line.trim() !== '' && !/^\s/.test(line) && !BOILERPLATE.test(line)) otherLines.push(line.trim());
      continue;
    }
    const kind = header[1];
    let text = header[2];
    let where = splitLocation(text, isKnownFile);
    if (where) text = where.before;
    // The follow-up lines of this message: `saw: TOKEN at FILE:L:C` / `at: TOKEN at FILE:L:C`, `source:` and the caret.
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1])) {
      const followUp = FOLLOW_UP.exec(lines[++i]);
      if (!followUp) continue;
      const loc = splitLocation(followUp[2], isKnownFile);
      if (!where && loc) where = loc;
      text += ` (${followUp[1]}: ${loc ? loc.before : followUp[2]})`;
    }
    const severity = kind === 'WARNING' ? 'warning' : 'error';
    const message = kind === 'WARNING' || kind === 'ERROR' ? text : `${kind}: ${text}`;
    if (severity === 'error') errors.push(message);
    if (where) {
      diagnostics.push({ file: resolveFile(where.file), line: where.line, column: where.column, severity, message });
    } else if (kind === 'parse error' || kind === 'semantic error') {
      diagnostics.push({ file: scriptPath, line: 1, column: 1, severity, message });
    }
  }

  for (const line of stdout.split('\n')) {
    const m = STDOUT_ERROR.exec(line.replace(/\r$/, ''));
    if (m) errors.push(stripAnsi(m[1]));
  }

  let message: string | undefined;
  const first = errors[0] ?? otherLines[0];
  if (failedLine !== undefined) message = first !== undefined ? `${failedLine}: ${first}` : `${failedLine}.`;
  else if (errors.length > 0) message = errors[0];
  return { diagnostics, failedPass, message };
}

interface SplitLocation {
  before: string;
  file: string;
  line: number;
  column: number;
}

/**
 * `TEXT at FILE:LINE:COL` → its parts. File names may hold spaces, colons and even ` at `, so
 * every ` at ` is a candidate: the first one naming a known file (the script, the last file,
 * an empty name) wins, else the last one.
 */
function splitLocation(text: string, isKnownFile: (f: string) => boolean): SplitLocation | undefined {
  const candidates: SplitLocation[] = [];
  const tail = /^(.*):(\d+):(\d+)$/s;
  for (let at = text.indexOf(' at '); at >= 0; at = text.indexOf(' at ', at + 1)) {
    const m = tail.exec(text.slice(at + 4));
    if (m) candidates.push({ before: text.slice(0, at), file: m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  if (text.startsWith('at ')) {
    const m = tail.exec(text.slice(3));
    if (m) candidates.unshift({ before: '', file: m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  return candidates.find((c) => isKnownFile(c.file)) ?? candidates[candidates.length - 1];
}
