/**
 * "Run Probe", "Run Probe on Remote Hosts" and "Stop": one run at a time through the run
 * backends (client/src/backend/: runLocal, runRemote for one host, runScriptOnHosts for several,
 * which prefixes each line with its host), its output streamed into the "SystemTap" Output
 * channel as it arrives, the `systemtap.running` context key set
 * while it runs (the editor title shows Stop instead of Run), and at its end the result as a
 * notification (the failed pass named) and stap's diagnostics in Problems. Stop asks the
 * backend to stop the way stap needs (SIGINT so `probe end` prints, escalating after
 * `systemtap.stopTimeoutMs`); deactivation stops a run the same way.
 */
import * as vscode from 'vscode';

import { runLocal } from '../backend/local-run';
import { runScriptOnHosts } from '../backend/multi-host';
import { runRemote } from '../backend/remote-run';
import type { OutputEvent, RunHandle } from '../backend/types';
import { readClientConfig } from '../config';
import { activeScript, showStapDiagnostics } from '../problems';
import { summarize } from '../run-report';

export class ProbeRuns implements vscode.Disposable {
  private current: { handle: RunHandle; stopTimeoutMs: number } | undefined;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly problems: vscode.DiagnosticCollection,
  ) {}

  async run(remote: boolean): Promise<void> {
    if (this.current) {
      void vscode.window.showWarningMessage('SystemTap: a probe is already running; stop it first.');
      return;
    }
    const doc = await activeScript();
    if (!doc) return;
    const config = readClientConfig(vscode.workspace.getConfiguration('systemtap', doc.uri));
    for (const p of config.problems) this.output.appendLine(`setting ${p}`);
    if (remote && config.remoteHosts.length === 0) {
      void vscode.window.showErrorMessage('SystemTap: no remote hosts; set systemtap.remoteHosts (ssh destinations).');
      return;
    }
    const script = doc.uri.fsPath;
    const hosts = remote ? config.remoteHosts : [];
    const what = remote ? `Run on ${hosts.map((h) => h.destination).join(', ')}` : 'Run';
    const onOutput = (e: OutputEvent) => this.output.append(e.text);
    this.problems.clear();
    this.output.show(true);
    this.output.appendLine(`--- ${what}: ${script}`);
    let handle: RunHandle;
    try {
      if (!remote) handle = runLocal(script, config.stap, onOutput);
      else if (hosts.length === 1) handle = runRemote(script, doc.getText(), config.stap, hosts[0], onOutput);
      else handle = runScriptOnHosts(hosts, script, doc.getText(), config.stap, onOutput);
    } catch (err) {
      void vscode.window.showErrorMessage(`SystemTap: ${what} could not start: ${(err as Error).message}`);
      return;
    }
    this.current = { handle, stopTimeoutMs: config.stopTimeoutMs };
    await vscode.commands.executeCommand('setContext', 'systemtap.running', true);
    const result = await handle.done;
    this.current = undefined;
    await vscode.commands.executeCommand('setContext', 'systemtap.running', false);
    showStapDiagnostics(this.problems, result.diagnostics);
    const summary = summarize(what, result);
    this.output.appendLine(`--- ${summary.text}`);
    if (summary.level === 'error') void vscode.window.showErrorMessage(`SystemTap: ${summary.text}`);
    else void vscode.window.setStatusBarMessage(`SystemTap: ${summary.text}`, 5000);
  }

  async stop(): Promise<void> {
    const c = this.current;
    if (!c) {
      void vscode.window.setStatusBarMessage('SystemTap: no probe is running.', 3000);
      return;
    }
    this.output.appendLine('--- Stopping (SIGINT: end probes run) ...');
    await c.handle.stop(c.stopTimeoutMs);
  }

  /** Stops a run still going (deactivation): no stap, stapbpf or ssh outlives the extension. */
  async stopAll(): Promise<void> {
    const c = this.current;
    if (c) await c.handle.stop(Math.min(c.stopTimeoutMs, 2000));
  }

  dispose(): void {
    void this.stopAll();
  }
}

export function registerRun(context: vscode.ExtensionContext, runs: ProbeRuns): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('systemtap.runProbe', () => runs.run(false)),
    vscode.commands.registerCommand('systemtap.runProbeRemote', () => runs.run(true)),
    vscode.commands.registerCommand('systemtap.stopProbe', () => runs.stop()),
  );
}
