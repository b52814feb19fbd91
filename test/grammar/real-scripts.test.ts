/**
 * Parses every installed tapset file and example script with the wasm grammar and requires a
 * tree without ERROR or MISSING nodes; counts the `token_sequence` fallbacks (preprocessor
 * branches and macro bodies that are not syntactic units) so that they stay rare.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { before, describe, test } from 'node:test';

import { createParser, type Node, type Parser } from '../../server/src/syntax/parser';
import { exampleFiles, INSTALL_HINT, tapsetDir, tapsetFiles } from '../helpers/installed';
import { findStap, makeFakeKbuild, runStap } from '../helpers/stap';

/**
 * Example scripts that are not valid SystemTap, with what stap 4.8 says about them. The test
 * asserts that our tree does have an error in each, so that an entry cannot go stale.
 */
const INVALID_EXAMPLES: Record<string, string> = {
  // A template with a literal `{...}` body: stap -p1 says
  // "parse error: expected literal string or number ... saw: operator '.'".
  'security-band-aids/security-bandaid-template.stp': 'template body `{...}`',
};

/**
 * The most `token_sequence` fallbacks the installed files may produce. Lower it when the
 * grammar learns a new shape; raise it only with a reason.
 */
const MAX_FALLBACKS = 12;

let parser: Parser;

/** The first ERROR or MISSING node, as `line:column kind`, or undefined. */
function firstError(node: Node): string | undefined {
  if (!node.hasError && !node.isMissing) return undefined;
  if (node.isError || node.isMissing) {
    const p = node.startPosition;
    return `${p.row + 1}:${p.column + 1} ${node.isMissing ? `MISSING ${node.type}` : 'ERROR'}`;
  }
  for (const child of node.children) {
    if (!child) continue;
    const found = firstError(child);
    if (found) return found;
  }
  return undefined;
}

function countType(node: Node, type: string): number {
  let n = node.type === type ? 1 : 0;
  for (const child of node.children) if (child) n += countType(child, type);
  return n;
}

function parseFile(path: string): Node {
  const tree = parser.parse(readFileSync(path, 'latin1'));
  assert.ok(tree, `parse returned no tree for ${path}`);
  return tree.rootNode;
}

before(async () => {
  parser = await createParser();
});

describe('installed tapsets', () => {
  test('every tapset file parses without ERROR or MISSING nodes', () => {
    const files = tapsetFiles();
    assert.ok(files.length > 500, `expected the tapset library in ${tapsetDir()}: ${INSTALL_HINT}`);
    const failures = files
      .map((f) => [relative(tapsetDir(), f), firstError(parseFile(f))])
      .filter(([, error]) => error !== undefined)
      .map(([f, error]) => `${f}:${error}`);
    assert.deepEqual(failures, [], `${failures.length} of ${files.length} tapset files have errors`);
  });
});

describe('installed examples', () => {
  test('every example script parses without ERROR or MISSING nodes', () => {
    const files = exampleFiles();
    assert.ok(files.length > 200, `expected the example scripts: ${INSTALL_HINT}`);
    const failures: string[] = [];
    const invalidSeen: string[] = [];
    for (const file of files) {
      const error = firstError(parseFile(file));
      const invalid = Object.keys(INVALID_EXAMPLES).find((suffix) => file.endsWith(suffix));
      if (invalid) {
        assert.ok(error, `${file} is listed as invalid but parses cleanly`);
        invalidSeen.push(invalid);
      } else if (error) {
        failures.push(`${file}:${error}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${files.length} examples have errors`);
    assert.deepEqual(invalidSeen.sort(), Object.keys(INVALID_EXAMPLES).sort());
  });
});

describe('invalid examples', () => {
  test('stap -p1 rejects each example listed as invalid', async (t) => {
    if (!findStap()) {
      t.diagnostic('stap not found on PATH: the list of invalid examples is not checked against it');
      return;
    }
    const kbuild = makeFakeKbuild();
    try {
      for (const suffix of Object.keys(INVALID_EXAMPLES)) {
        const file = exampleFiles().find((f) => f.endsWith(suffix));
        assert.ok(file, `${suffix} is not installed`);
        const result = await runStap(['-r', kbuild.dir, '-p1', file, '1', '2', '3']);
        assert.notEqual(result.status, 0, `stap -p1 accepts ${suffix}: remove it from INVALID_EXAMPLES`);
        assert.match(result.stderr, /parse error/);
      }
    } finally {
      kbuild.cleanup();
    }
  });
});

describe('token_sequence fallbacks', () => {
  test(`stay at or below ${MAX_FALLBACKS} over all installed files`, (t) => {
    const perFile = [...tapsetFiles(), ...exampleFiles()]
      .map((f) => [f, countType(parseFile(f), 'token_sequence')] as const)
      .filter(([, n]) => n > 0);
    const total = perFile.reduce((sum, [, n]) => sum + n, 0);
    t.diagnostic(`${total} fallbacks in ${perFile.length} files`);
    for (const [f, n] of perFile) t.diagnostic(`  ${n} ${f}`);
    assert.ok(total <= MAX_FALLBACKS, `${total} token_sequence fallbacks (max ${MAX_FALLBACKS})`);
  });
});
