/**
 * Between the plain data of workspace/ and ide/ and the LSP types: URIs and paths, ranges,
 * diagnostics. The only place that knows both.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';

import type { Diagnostic } from '../workspace/analysis';

/** The path the passes see for a document URI: the file's path, or a stand-in for `untitled:`. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // fall through
    }
  }
  return `/untitled/${encodeURIComponent(uri)}.stp`;
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** stap's man pages online, by page name (`error::pass2` → error::pass2.7stap). */
export function manPageUrl(page: string): string {
  return `https://sourceware.org/systemtap/man/${page}.7stap.html`;
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'hint' ? DiagnosticSeverity.Hint : DiagnosticSeverity.Warning,
    code: d.code,
    ...(d.manPage ? { codeDescription: { href: manPageUrl(d.manPage) } } : {}),
    ...(d.tags ? { tags: d.tags.map(() => DiagnosticTag.Unnecessary) } : {}),
    source: 'stap-ls',
    message: d.message,
    relatedInformation: d.related.map((r) => ({ location: { uri: pathToUri(r.path), range: r.range }, message: r.message })),
  };
}
