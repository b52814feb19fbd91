/**
 * textDocument/definition and textDocument/declaration: thin, guarded calls of
 * ide/definition.ts (stap declares where it defines, so both give the same places).
 */
import type { DeclarationParams, DefinitionParams, Location } from 'vscode-languageserver';

import { definition } from '../../ide/definition';
import { pathToUri } from '../convert';
import type { Feature } from '../features';

export const definitionFeature: Feature = {
  capabilities: { definitionProvider: true, declarationProvider: true },
  register(connection, workspace, guarded) {
    const handler = (what: string) =>
      guarded<DefinitionParams | DeclarationParams, Location[] | null>(what, null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        if (!analysis) return null;
        return definition(analysis, params.position).map((l) => ({ uri: pathToUri(l.path), range: l.range }));
      });
    connection.onDefinition(handler('definition'));
    connection.onDeclaration(handler('declaration'));
  },
};
