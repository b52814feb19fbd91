/**
 * `npm run parse -- FILE...`: parses SystemTap scripts with the tree-sitter grammar and prints
 * each syntax tree (or, with `--summary`, one line per file: the top-level items and any
 * ERROR/MISSING nodes). Exits 1 when a file has a syntax error.
 */
import { readFileSync } from 'node:fs';

import { createParser, type Node } from '../server/src/syntax/parser';

/** Prints `node` as an indented S-expression with field names and positions. */
function formatTree(node: Node): string {
  const lines: string[] = [];
  const visit = (n: Node, depth: number, field: string | null) => {
    const pos = `[${n.startPosition.row + 1}:${n.startPosition.column + 1}-${n.endPosition.row + 1}:${n.endPosition.column + 1}]`;
    const label = n.isMissing ? `MISSING ${n.type}` : n.type;
    lines.push(`${'  '.repeat(depth)}${field ? `${field}: ` : ''}${label} ${pos}`);
    for (let i = 0; i < n.childCount; i++) {
      const child = n.child(i);
      if (child && (child.isNamed || child.isMissing)) visit(child, depth + 1, n.fieldNameForChild(i));
    }
  };
  visit(node, 0, null);
  return lines.join('\n');
}

function errors(node: Node, out: string[] = []): string[] {
  if (node.isError || node.isMissing) {
    out.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? `missing ${node.type}` : 'syntax error'}`);
  } else if (node.hasError) {
    for (const child of node.children) if (child) errors(child, out);
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const summary = args.includes('--summary');
  const files = args.filter((a) => a !== '--summary');
  if (files.length === 0) {
    console.error('usage: npm run parse -- [--summary] FILE...');
    process.exit(2);
  }
  const parser = await createParser();
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      console.error(`${file}: ${(e as Error).message}`);
      failed = true;
      continue;
    }
    const tree = parser.parse(text);
    if (!tree) throw new Error(`${file}: the parser returned no tree`);
    const found = errors(tree.rootNode);
    if (summary) {
      const counts = new Map<string, number>();
      for (const child of tree.rootNode.namedChildren) {
        if (child) counts.set(child.type, (counts.get(child.type) ?? 0) + 1);
      }
      const items = [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
      console.log(`${file}: ${items || 'empty'}; ${found.length} syntax error(s)`);
    } else {
      console.log(formatTree(tree.rootNode));
    }
    for (const e of found) console.error(`${file}:${e}`);
    failed ||= found.length > 0;
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
