/**
 * The tree-sitter tree of an open document, for the features that read syntax (folding,
 * semantic tokens): parsed once per document version, the language loaded once per server.
 * Parsing is synchronous once the grammar is loaded; the first request waits for the load.
 */
import { createParser, type Parser, type Tree } from '../../syntax/parser';
import type { Guard } from '../features';

let parser: Promise<Parser> | undefined;
const trees = new Map<string, { version: number; text: string; tree: Tree }>();

/** Starts loading the grammar (call at registration, so the first request does not pay it). */
export function preloadParser(): void {
  parser ??= createParser();
  parser.catch(() => undefined);
}

/** The tree of `text` (version `version` of `uri`); reuses the last one for the same version and text. */
export async function syntaxTree(uri: string, version: number, text: string): Promise<Tree | undefined> {
  const have = trees.get(uri);
  if (have && have.version === version && have.text === text) return have.tree;
  parser ??= createParser();
  const tree = (await parser).parse(text) ?? undefined;
  if (!tree) return undefined;
  have?.tree.delete();
  trees.set(uri, { version, text, tree });
  // Closed documents: keep the map small (an editor has few documents open).
  if (trees.size > 64) {
    const oldest = trees.keys().next().value as string;
    trees.get(oldest)?.tree.delete();
    trees.delete(oldest);
  }
  return tree;
}

/** `guarded` for an async handler: a rejection is logged and answered with `fallback`. */
export function guardedAsync<P, R>(guarded: Guard, what: string, fallback: R, handler: (params: P) => Promise<R>): (params: P) => Promise<R> {
  return (params: P) =>
    handler(params).catch((err: unknown) =>
      guarded<P, R>(what, fallback, () => {
        throw err;
      })(params),
    );
}
