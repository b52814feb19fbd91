/**
 * textDocument/documentSymbol (the outline), workspace/symbol and workspaceSymbol/resolve: thin,
 * guarded calls of ide/symbols.ts. Library symbols come without a range to clients that resolve
 * them later (the range is found then, by parsing that one file), with one to the others.
 */
import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type WorkspaceSymbol,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';

import type { StapFile } from '../../ast/staptree';
import { documentSymbols, resolveWorkspaceSymbol, workspaceSymbols, type SymbolData, type SymbolKindName } from '../../ide/symbols';
import { documentFile, workspaceResolver } from '../../ide/workspace-index';
import { pathToUri } from '../convert';
import type { Feature } from '../features';
import { anyAnalysis, workspaceFiles } from './workspace-files';

const KINDS: Record<SymbolKindName, SymbolKind> = {
  probe: SymbolKind.Event,
  alias: SymbolKind.Interface,
  function: SymbolKind.Function,
  global: SymbolKind.Variable,
  macro: SymbolKind.Constant,
};

export const symbolsFeature: Feature = {
  capabilities: { documentSymbolProvider: true, workspaceSymbolProvider: { resolveProvider: true } },
  register(connection, workspace, guarded) {
    connection.onDocumentSymbol(
      guarded<DocumentSymbolParams, DocumentSymbol[] | null>('documentSymbol', null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        const file = analysis && documentFile(analysis);
        if (!file) return null;
        return documentSymbols(file).map((s) => ({ name: s.name, detail: s.detail, kind: KINDS[s.kind], range: s.range, selectionRange: s.selectionRange }));
      }),
    );
    connection.onWorkspaceSymbol(
      guarded<WorkspaceSymbolParams, WorkspaceSymbol[] | null>('workspaceSymbol', null, (params) => {
        const base = anyAnalysis(workspace);
        if (!base) return null;
        const files: StapFile[] = [];
        for (const f of workspaceFiles(workspace)) {
          const r = workspaceResolver(f, base);
          if (r) files.push(r.index.file);
        }
        const found = workspaceSymbols(params.query, files, base.pass1?.library, { resolveRanges: !workspace.resolvesWorkspaceSymbols });
        return found.map((s) => ({
          name: s.name,
          kind: KINDS[s.kind],
          containerName: s.containerName,
          location: s.range ? { uri: pathToUri(s.path), range: s.range } : { uri: pathToUri(s.path) },
          ...(s.data ? { data: s.data } : {}),
        }));
      }),
    );
    connection.onWorkspaceSymbolResolve(
      guarded<WorkspaceSymbol, WorkspaceSymbol>('workspaceSymbol/resolve', { name: '', kind: SymbolKind.Null, location: { uri: '' } }, (symbol) => {
        const base = anyAnalysis(workspace);
        const library = base?.pass1?.library;
        const data = symbol.data as SymbolData | undefined;
        if (!library || !data) return symbol;
        const loc = resolveWorkspaceSymbol(data, library);
        return loc ? { ...symbol, location: { uri: pathToUri(loc.path), range: loc.range } } : symbol;
      }),
    );
  },
};
