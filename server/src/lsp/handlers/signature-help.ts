/**
 * textDocument/signatureHelp: a thin, guarded call of ide/signature-help.ts over the document's
 * current text and the analyses already made (see handlers/completion.ts).
 */
import { MarkupKind, type SignatureHelp, type SignatureHelpParams } from 'vscode-languageserver';

import { signatureHelp } from '../../ide/signature-help';
import { toBytes } from '../../workspace/analysis';
import type { Feature } from '../features';

export const signatureHelpFeature: Feature = {
  capabilities: { signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [')'] } },
  register(connection, workspace, guarded) {
    connection.onSignatureHelp(
      guarded<SignatureHelpParams, SignatureHelp | null>('signatureHelp', null, (params) => {
        const uri = params.textDocument.uri;
        const doc = workspace.document(uri);
        if (!doc) return null;
        const analysis = workspace.latestAnalysis(uri) ?? workspace.analysis(uri);
        const parsed = workspace.lastParsedAnalysis(uri);
        const r = signatureHelp({ bytes: toBytes(doc.text), position: params.position, analysis, parsed });
        if (!r) return null;
        return {
          activeSignature: r.activeSignature,
          activeParameter: r.activeParameter,
          signatures: r.signatures.map((s) => {
            // Offsets, not substrings: `printf("%d %d")` has two `%d: long` parameters.
            let from = s.label.indexOf('(') + 1;
            return {
              label: s.label,
              ...(s.documentation ? { documentation: { kind: MarkupKind.Markdown, value: s.documentation } } : {}),
              parameters: s.parameters.map((p) => {
                const at = s.label.indexOf(p.label, from);
                const label: string | [number, number] = at >= 0 ? [at, at + p.label.length] : p.label;
                if (at >= 0) from = at + p.label.length;
                return { label, ...(p.documentation ? { documentation: { kind: MarkupKind.Markdown, value: p.documentation } } : {}) };
              }),
            };
          }),
        };
      }),
    );
  },
};
