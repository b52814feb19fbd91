/**
 * textDocument/prepareRename and textDocument/rename: thin, guarded calls of ide/rename.ts; a
 * refusal is answered with a ResponseError carrying ide's message, which editors show.
 */
import { ErrorCodes, ResponseError, type PrepareRenameParams, type Range, type RenameParams, type WorkspaceEdit } from 'vscode-languageserver';

import { prepareRename, rename } from '../../ide/rename';
import { pathToUri } from '../convert';
import type { Feature } from '../features';
import { isUserFile, workspaceFiles } from './workspace-files';

export const renameFeature: Feature = {
  capabilities: { renameProvider: { prepareProvider: true } },
  register(connection, workspace, guarded) {
    const isUser = (path: string) => isUserFile(workspace, path);
    connection.onPrepareRename(
      guarded<PrepareRenameParams, { range: Range; placeholder: string } | ResponseError<void> | null>('prepareRename', null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        if (!analysis) return null;
        const r = prepareRename(analysis, params.position, workspaceFiles(workspace), isUser);
        if (!r) return null;
        if ('error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
        return r;
      }),
    );
    connection.onRenameRequest(
      guarded<RenameParams, WorkspaceEdit | ResponseError<void> | null>('rename', null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        if (!analysis) return null;
        const r = rename(analysis, params.position, params.newName, workspaceFiles(workspace), isUser);
        if ('error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
        const changes: WorkspaceEdit['changes'] = {};
        for (const [path, edits] of r.changes) changes[pathToUri(path)] = edits;
        return { changes };
      }),
    );
  },
};
