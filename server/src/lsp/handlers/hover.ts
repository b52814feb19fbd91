/**
 * textDocument/hover: a thin, guarded call of ide/hover.ts over the document's analysis; the
 * Markdown comes back as MarkupContent with the token's range.
 */
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';

import { hover } from '../../ide/hover';
import type { Feature } from '../features';

export const hoverFeature: Feature = {
  capabilities: { hoverProvider: true },
  register(connection, workspace, guarded) {
    connection.onHover(
      guarded<HoverParams, Hover | null>('hover', null, (params) => {
        const analysis = workspace.analysis(params.textDocument.uri);
        if (!analysis) return null;
        const h = hover(analysis, params.position);
        if (!h) return null;
        return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range };
      }),
    );
  },
};
