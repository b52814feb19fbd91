/**
 * The VS Code extension's entry point: activate starts the language client on the bundled
 * server (dist/stap-ls.js with --node-ipc) and registers the status bar item, the dump views,
 * the Run/Stop/Compile commands and the `stap` task provider; deactivate stops any run (no
 * stap, stapbpf or ssh process outlives the extension) and the server. Nothing else lives here.
 */
import * as vscode from 'vscode';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/node-flags';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

import { registerCompile } from './commands/compile';
import { registerDumps } from './commands/dumps';
import { ProbeRuns, registerRun } from './commands/run';
import { registerStatus } from './status';
import { registerTasks } from './tasks';
import { SETTINGS_SCHEMA } from '../../server/src/workspace/settings';

let client: LanguageClient | undefined;
const deactivators: (() => Promise<void>)[] = [];

/** The server's settings as they are now (sent at start-up; later changes come by workspace/configuration). */
function serverSettings(): Record<string, unknown> {
  const conf = vscode.workspace.getConfiguration('systemtap');
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(SETTINGS_SCHEMA)) {
    const key = name.slice('systemtap.'.length);
    out[key] = conf.get(key);
  }
  return out;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/stap-ls.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and unsaved editors only: the dump views (systemtap-dump:) are not scripts to check.
    documentSelector: [
      { scheme: 'file', language: 'systemtap' },
      { scheme: 'untitled', language: 'systemtap' },
    ],
    synchronize: { configurationSection: 'systemtap' },
    initializationOptions: { settings: serverSettings() },
  };
  client = new LanguageClient('systemtap', 'SystemTap Language Server', serverOptions, clientOptions);
  registerStatus(context);
  registerDumps(context, client);
  registerTasks(context);
  const output = vscode.window.createOutputChannel('SystemTap');
  const problems = vscode.languages.createDiagnosticCollection('stap');
  const runs = new ProbeRuns(output, problems);
  context.subscriptions.push(output, problems, runs);
  deactivators.push(() => runs.stopAll());
  registerRun(context, runs);
  registerCompile(context, output, problems);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await Promise.allSettled(deactivators.map((d) => d()));
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
