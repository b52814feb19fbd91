/**
 * What the user is told when a run or compile ends: one sentence for a notification (an error
 * naming the failed pass, or how it ended) and stap's diagnostics grouped by file for Problems.
 * Plain Node (no `vscode`); client/src/commands/ shows these.
 */
import type { CompileResult, RunResult, StapDiagnostic } from './backend/types';

export interface Summary {
  level: 'info' | 'error';
  text: string;
}

/** How `what` ("Run", "Run on 2 hosts", "Compile") ended, as one sentence. */
export function summarize(what: string, r: RunResult | CompileResult): Summary {
  if (r.stopped) return { level: 'info', text: `${what} stopped${ended(r)}.` };
  const pass = r.failedPass !== undefined ? `pass ${r.failedPass} failed` : undefined;
  if (r.message) {
    const message = r.message.replace(/\.$/, '');
    const withPass = pass && !/\bpass\s*\d/i.test(message) ? `${pass}: ${message}` : message;
    return { level: 'error', text: `${what} failed: ${withPass}.` };
  }
  if (pass) return { level: 'error', text: `${what} failed: ${pass}${ended(r)}.` };
  if (r.exitCode !== 0) return { level: 'error', text: `${what} failed${ended(r)}.` };
  const artifact = 'artifact' in r && r.artifact ? `: ${r.artifact}` : '';
  return { level: 'info', text: `${what} finished${artifact}.` };
}

function ended(r: RunResult): string {
  if (r.signal) return ` (killed by ${r.signal})`;
  if (r.exitCode !== null && r.exitCode !== 0) return ` (exit status ${r.exitCode})`;
  return '';
}

/** stap's diagnostics by file, each list in the order stap printed it, duplicates dropped. */
export function diagnosticsByFile(diagnostics: StapDiagnostic[]): Map<string, StapDiagnostic[]> {
  const out = new Map<string, StapDiagnostic[]>();
  const seen = new Set<string>();
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.severity}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = out.get(d.file) ?? [];
    list.push(d);
    out.set(d.file, list);
  }
  return out;
}
