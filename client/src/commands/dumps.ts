/**
 * "Show Pass 1 (-p1)" / "Show Pass 2 (-p2)": read-only virtual documents on the
 * `systemtap-dump:` scheme whose text is the server's `systemtap/dumpPass1`/`dumpPass2` answer
 * for a script (what `stap -p1`/`-p2` print for its unsaved text). A dump that is open refreshes,
 * debounced, as its script is edited. The URI carries the pass and the script's URI:
 * `systemtap-dump:/NAME.p2.stp?pass=2&source=<script uri>`.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { dumpPass1, dumpPass2 } from '../lsp-ext';

export const DUMP_SCHEME = 'systemtap-dump';
const REFRESH_DELAY_MS = 300;

export function dumpUri(source: vscode.Uri, pass: 1 | 2): vscode.Uri {
  const name = source.path.split('/').pop() || 'script';
  const query = new URLSearchParams({ pass: String(pass), source: source.toString() }).toString();
  return vscode.Uri.from({ scheme: DUMP_SCHEME, path: `/${name.replace(/\.stpm?$/, '')}.p${pass}.stp`, query });
}

function parseDumpUri(uri: vscode.Uri): { pass: 1 | 2; source: string } | undefined {
  const q = new URLSearchParams(uri.query);
  const pass = q.get('pass');
  const source = q.get('source');
  if ((pass !== '1' && pass !== '2') || !source) return undefined;
  return { pass: pass === '1' ? 1 : 2, source };
}

class DumpProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = parseDumpUri(uri);
    if (!target) return `# not a SystemTap dump: ${uri.toString()}\n`;
    await this.client.start();
    const type = target.pass === 1 ? dumpPass1 : dumpPass2;
    const r = await this.client.sendRequest(type, { textDocument: { uri: target.source } }, token);
    let text = r.stdout;
    if (r.stderr) text += `${text && !text.endsWith('\n') ? '\n' : ''}${r.stderr.replace(/^/gm, '# ')}`;
    if (r.status !== 0) text += `${text && !text.endsWith('\n') ? '\n' : ''}# exit status ${r.status}\n`;
    return text;
  }

  /** Schedules a refresh of every open dump of `source`. */
  sourceChanged(source: vscode.Uri): void {
    const key = source.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === DUMP_SCHEME && parseDumpUri(doc.uri)?.source === key) this.changed.fire(doc.uri);
        }
      }, REFRESH_DELAY_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}

async function showDump(pass: 1 | 2): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'systemtap') {
    void vscode.window.showWarningMessage('SystemTap: open a SystemTap script (.stp) first.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(dumpUri(editor.document.uri, pass));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
}

export function registerDumps(context: vscode.ExtensionContext, client: LanguageClient): void {
  const provider = new DumpProvider(client);
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, provider),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === 'systemtap' && e.document.uri.scheme !== DUMP_SCHEME) provider.sourceChanged(e.document.uri);
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'systemtap') provider.sourceChanged(d.uri);
    }),
    vscode.commands.registerCommand('systemtap.showPass1', () => showDump(1)),
    vscode.commands.registerCommand('systemtap.showPass2', () => showDump(2)),
  );
}
