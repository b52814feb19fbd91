/**
 * Folding ranges from the tree-sitter tree (grammar/queries/folds.scm says the same for other
 * editors): `{ }` blocks (probe, alias and function bodies included), `%{ %}` embedded C, each
 * `%( %)` conditional and each of its branches, `@define` bodies, `/* *\/` comments and runs of
 * two or more `#`/`//` comment lines. No stap routine: stap has no notion of folding.
 *
 * A range ends on the line before its closing `}`, `%}` or `%)` when that closer starts its line,
 * so the closer stays visible (as VS Code folds C). Positions are the tree's: 0-based rows.
 */
import type { Node } from '../syntax/parser';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

const FOLDED = new Set(['block', 'embedded_code', 'preproc_conditional', 'preproc_branch', 'macro_definition', 'macro_body']);

/** The folding ranges of a document's tree, sorted by start line, at most one per start line. */
export function foldingRanges(root: Node, text: string): FoldingRange[] {
  const lines = text.split('\n');
  const byStart = new Map<number, FoldingRange>();
  const add = (r: FoldingRange) => {
    if (r.endLine <= r.startLine) return;
    const have = byStart.get(r.startLine);
    if (!have || have.endLine < r.endLine) byStart.set(r.startLine, r);
  };
  /** The last line to fold for a node: the line before its closer when the closer starts its line. */
  const lastLine = (n: Node): number => {
    const end = n.endPosition;
    const closer = /(\}|%\}|%\))$/.exec(n.text);
    if (!closer) return end.row;
    const before = (lines[end.row] ?? '').slice(0, Math.max(0, end.column - closer[1].length));
    return before.trim() === '' ? end.row - 1 : end.row;
  };
  let commentRun: { start: number; end: number } | undefined;
  const flushComments = () => {
    if (commentRun) add({ startLine: commentRun.start, endLine: commentRun.end, kind: 'comment' });
    commentRun = undefined;
  };
  const visit = (n: Node) => {
    if (n.type === 'comment') {
      const row = n.startPosition.row;
      if (n.text.startsWith('/*')) {
        flushComments();
        add({ startLine: row, endLine: n.endPosition.row, kind: 'comment' });
        return;
      }
      // A line comment alone on its line continues a run of such lines.
      const alone = (lines[row] ?? '').slice(0, n.startPosition.column).trim() === '';
      if (alone && commentRun && commentRun.end === row - 1) commentRun.end = row;
      else {
        flushComments();
        if (alone) commentRun = { start: row, end: row };
      }
      return;
    }
    if (n.type === 'preproc_branch') {
      // A branch folds from its marker (`%?`, `%:`) to before the marker that ends it.
      const open = n.previousSibling;
      const close = n.nextSibling;
      const start = open ? open.startPosition.row : n.startPosition.row;
      const closeAlone = close && (lines[close.startPosition.row] ?? '').slice(0, close.startPosition.column).trim() === '';
      const end = close ? (closeAlone ? close.startPosition.row - 1 : close.startPosition.row) : n.endPosition.row;
      add({ startLine: start, endLine: end, kind: 'region' });
    } else if (FOLDED.has(n.type)) {
      add({ startLine: n.startPosition.row, endLine: lastLine(n), kind: 'region' });
    }
    for (const c of n.children) visit(c);
  };
  visit(root);
  flushComments();
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine).map((r) => (r.kind === 'region' ? { startLine: r.startLine, endLine: r.endLine } : r));
}
