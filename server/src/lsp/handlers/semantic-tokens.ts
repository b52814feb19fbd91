/**
 * textDocument/semanticTokens/full: ide/semantic-tokens.ts over the document's tree-sitter tree
 * and its analysis (tapset names, inactive branches), encoded as LSP integers. The legend is the
 * ide module's TOKEN_TYPES and TOKEN_MODIFIERS.
 */
import type { SemanticTokens, SemanticTokensParams } from 'vscode-languageserver';

import { encodeTokens, semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from '../../ide/semantic-tokens';
import type { Feature } from '../features';
import { guardedAsync, preloadParser, syntaxTree } from './syntax-tree';

export const semanticTokensFeature: Feature = {
  capabilities: {
    semanticTokensProvider: {
      legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] },
      full: true,
    },
  },
  register(connection, workspace, guarded) {
    preloadParser();
    connection.languages.semanticTokens.on(
      guardedAsync<SemanticTokensParams, SemanticTokens>(guarded, 'semanticTokens', { data: [] }, async (params) => {
        const doc = workspace.document(params.textDocument.uri);
        if (!doc) return { data: [] };
        const tree = await syntaxTree(doc.uri, doc.version, doc.text);
        // The document may have changed while the grammar loaded: answer for the text parsed.
        const now = workspace.document(doc.uri);
        if (!tree || now?.version !== doc.version) return { data: [] };
        const analysis = workspace.analysis(doc.uri);
        return { data: encodeTokens(semanticTokens(tree.rootNode, analysis)) };
      }),
    );
  },
};
