/**
 * textDocument/references: a thin, guarded call of ide/references.ts over the document's
 * analysis and the workspace's files.
 */
import type { Location, ReferenceParams } from 'vscode-languageserver';

import { references } from '../../ide/references';
import { pathToUri } from '../convert';
import type { Feature } from '../features';
import { workspaceFiles } from './workspace-files';

export const referencesFeature: Feature = {
  capabilities: { referencesProvider: true },
  register(connection, workspace, guarded) {
    connection.onReferences(
      guarded<ReferenceParams, Location[] | null>('references', null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        if (!analysis) return null;
        const found = references(analysis, params.position, params.context.includeDeclaration, workspaceFiles(workspace));
        return found.map((l) => ({ uri: pathToUri(l.path), range: l.range }));
      }),
    );
  },
};
