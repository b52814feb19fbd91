// Tokenizes every installed SystemTap script (/usr/share/systemtap/examples, plus the tapset library) with the
// TextMate grammar and checks that no begin/end region is left open at end of file, and that declarations that
// start in column 0 are tokenized as declarations (a cheap check that nothing mis-nested on the way there).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar, tokenize } from './textmate-helpers';

const EXAMPLES = '/usr/share/systemtap/examples';
const TAPSETS = '/usr/share/systemtap/tapset';

function scripts(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) scripts(path, out);
    else if (name.endsWith('.stp') || name.endsWith('.stpm')) out.push(path);
  }
  return out;
}

const DECLARATION_SCOPE: Record<string, string> = {
  probe: 'meta.probe.header.systemtap',
  function: 'meta.function.header.systemtap',
  global: 'meta.declaration.global.systemtap',
  '@define': 'meta.preprocessor.macro.systemtap',
};

/** Problems found in one file: an open scope at EOF, or a column-0 declaration keyword not tokenized as one. */
function problems(grammar: IGrammar, path: string): string[] {
  const doc = tokenize(grammar, readFileSync(path, 'utf8'));
  const found: string[] = [];
  if (doc.finalDepth !== doc.initialDepth) found.push(`${path}: open at EOF: ${doc.openScopes.join(' ')}`);
  doc.lines.forEach((line, i) => {
    const m = /^(probe|function|global|@define)\b/.exec(line);
    if (!m) return;
    // Allowed around it: an enclosing file-level conditional, or a comment (commented-out code).
    const scopes = doc.tokens[i][0].scopes.filter((s) => s !== 'meta.preprocessor.conditional.systemtap');
    if (scopes.some((s) => s.startsWith('comment.'))) return;
    if (scopes[1] !== DECLARATION_SCOPE[m[1]]) found.push(`${path}:${i + 1}: "${m[1]}" tokenized as ${scopes.join(' ')}`);
  });
  return found;
}

let grammar: IGrammar;
before(async () => {
  grammar = await loadGrammar();
});

describe('installed SystemTap scripts', () => {
  // The examples (systemtap-doc) and the tapsets are installed in the test environment; a machine without them
  // has nothing to check, which is reported as a failure rather than silently passing.
  test(`every example under ${EXAMPLES} returns to the root scope at EOF`, () => {
    assert.ok(existsSync(EXAMPLES), `${EXAMPLES} is not installed`);
    const files = scripts(EXAMPLES);
    assert.ok(files.length >= 150, `expected the ~200 installed examples, found ${files.length}`);
    // None of the examples legitimately ends inside a scope, so there is no exception list.
    assert.deepEqual(files.flatMap((f) => problems(grammar, f)).map((p) => relative(EXAMPLES, p)), []);
  });

  test(`every tapset under ${TAPSETS} returns to the root scope at EOF`, () => {
    assert.ok(existsSync(TAPSETS), `${TAPSETS} is not installed`);
    const files = scripts(TAPSETS);
    assert.ok(files.length >= 300, `expected the installed tapset library, found ${files.length}`);
    // This includes tapset/mips/registers.stp, which opens `if (...) {` in one conditional branch and closes it
    // in another; blocks stop before a conditional's %: / %) so that this cannot leak.
    assert.deepEqual(files.flatMap((f) => problems(grammar, f)).map((p) => relative(TAPSETS, p)), []);
  });
});
