/**
 * textDocument/completion and completionItem/resolve: thin, guarded calls of ide/completion.ts.
 * Completion reads the document's current text and the analyses already made (the newest for
 * the tapset library, the last one that parsed for types): it never runs the passes itself
 * unless none ran yet, so typing stays fast while the diagnostics are debounced.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem as LspCompletionItem,
  type CompletionList,
  type CompletionParams,
} from 'vscode-languageserver';

import { complete, resolveCompletion, type CompletionItem, type ItemKind, type ResolveData } from '../../ide/completion';
import type { Range } from '../../workspace/analysis';
import { toBytes } from '../../workspace/analysis';
import type { Feature } from '../features';

const KINDS: Record<ItemKind, CompletionItemKind> = {
  function: CompletionItemKind.Function,
  variable: CompletionItemKind.Variable,
  keyword: CompletionItemKind.Keyword,
  macro: CompletionItemKind.Constant,
  operator: CompletionItemKind.Operator,
  module: CompletionItemKind.Module,
  event: CompletionItemKind.Event,
  field: CompletionItemKind.Field,
  constant: CompletionItemKind.Constant,
  type: CompletionItemKind.TypeParameter,
};

/** What an item carries to its resolve: the document and what to look up. */
interface ItemData {
  uri: string;
  item: ResolveData;
}

function toLsp(item: CompletionItem, range: Range, uri: string): LspCompletionItem {
  const out: LspCompletionItem = {
    label: item.label,
    kind: KINDS[item.kind],
    textEdit: { range, newText: item.insertText ?? item.label },
  };
  if (item.snippet) out.insertTextFormat = InsertTextFormat.Snippet;
  if (item.detail) out.detail = item.detail;
  if (item.documentation) out.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
  if (item.filterText) out.filterText = item.filterText;
  if (item.sortText) out.sortText = item.sortText;
  if (item.data) out.data = { uri, item: item.data } satisfies ItemData;
  return out;
}

export const completionFeature: Feature = {
  capabilities: { completionProvider: { triggerCharacters: ['.', '@', '$'], resolveProvider: true } },
  register(connection, workspace, guarded) {
    connection.onCompletion(
      guarded<CompletionParams, CompletionList | null>('completion', null, (params) => {
        const uri = params.textDocument.uri;
        const doc = workspace.document(uri);
        if (!doc) return null;
        const analysis = workspace.latestAnalysis(uri) ?? workspace.analysis(uri);
        const parsed = workspace.lastParsedAnalysis(uri);
        const r = complete({ bytes: toBytes(doc.text), position: params.position, analysis, parsed });
        return { isIncomplete: false, items: r.items.map((i) => toLsp(i, r.range, uri)) };
      }),
    );
    connection.onCompletionResolve(
      guarded<LspCompletionItem, LspCompletionItem>('completionItem/resolve', {} as LspCompletionItem, (item) => {
        const data = item.data as ItemData | undefined;
        if (!data?.item) return item;
        const analysis = workspace.latestAnalysis(data.uri) ?? workspace.lastParsedAnalysis(data.uri);
        const r = resolveCompletion({ label: item.label, kind: 'function', data: data.item }, analysis);
        const out = { ...item };
        if (r.detail) out.detail = r.detail;
        if (r.documentation) out.documentation = { kind: MarkupKind.Markdown, value: r.documentation };
        return out;
      }),
    );
  },
};
