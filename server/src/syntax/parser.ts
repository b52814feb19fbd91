/**
 * The one place that loads tree-sitter: web-tree-sitter's runtime and the SystemTap grammar
 * (grammar/tree-sitter-systemtap.wasm, provenance in grammar/parser.info).
 *
 * Architecture invariant: `server/src/syntax/` depends only on web-tree-sitter. It knows no
 * LSP, no tapsets and no session. Parsing never throws on bad input: tree-sitter always returns
 * a tree, with ERROR and MISSING nodes where the input is wrong.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Language, Parser } from 'web-tree-sitter';

export type { Language, Node, Parser, Point, Query, Tree } from 'web-tree-sitter';

const GRAMMAR_WASM = 'tree-sitter-systemtap.wasm';

let loaded: Promise<Language> | undefined;

/**
 * Finds the grammar wasm: beside the bundle (dist/), or in grammar/ of the source tree.
 */
export function grammarWasmPath(): string {
  const candidates = [
    join(__dirname, GRAMMAR_WASM),
    join(__dirname, '..', GRAMMAR_WASM),
    join(__dirname, '..', '..', '..', 'grammar', GRAMMAR_WASM),
  ];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find ${GRAMMAR_WASM} (looked in ${candidates.map(dirname).join(', ')})`);
}

/** Initialises web-tree-sitter once and loads the SystemTap language. */
export function loadLanguage(): Promise<Language> {
  loaded ??= (async () => {
    await Parser.init();
    return Language.load(grammarWasmPath());
  })();
  return loaded;
}

/** A new parser for SystemTap. Parsers are cheap; the language is shared. */
export async function createParser(): Promise<Parser> {
  const language = await loadLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
