/**
 * textDocument/foldingRange: ide/folding.ts over the document's tree-sitter tree (the text of
 * its current version; no analysis needed, so folding never waits for pass 2).
 */
import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from 'vscode-languageserver';

import { foldingRanges } from '../../ide/folding';
import type { Feature } from '../features';
import { guardedAsync, preloadParser, syntaxTree } from './syntax-tree';

export const foldingFeature: Feature = {
  capabilities: { foldingRangeProvider: true },
  register(connection, workspace, guarded) {
    preloadParser();
    connection.onFoldingRanges(
      guardedAsync<FoldingRangeParams, FoldingRange[]>(guarded, 'foldingRange', [], async (params) => {
        const doc = workspace.document(params.textDocument.uri);
        if (!doc) return [];
        const tree = await syntaxTree(doc.uri, doc.version, doc.text);
        if (!tree) return [];
        return foldingRanges(tree.rootNode, doc.text).map((r) => ({
          startLine: r.startLine,
          endLine: r.endLine,
          ...(r.kind === 'comment' ? { kind: FoldingRangeKind.Comment } : {}),
        }));
      }),
    );
  },
};
