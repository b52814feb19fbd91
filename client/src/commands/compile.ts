/**
 * "Compile (-p4)": the compile backend turns the active script and the settings into a stap
 * run up to pass 4 (a .ko, or a .bo with the bpf runtime) in `systemtap.compileOutputDir`
 * (relative to the workspace folder; empty: a new temporary directory), reports the artifact's
 * path (with a button to copy it) or the failed pass, and puts stap's diagnostics in Problems.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';

import { compile } from '../backend/compile';
import type { CompileResult } from '../backend/types';
import { readClientConfig } from '../config';
import { activeScript, showStapDiagnostics } from '../problems';
import { summarize } from '../run-report';

function outputDir(setting: string, doc: vscode.TextDocument): string {
  if (!setting) return mkdtempSync(join(tmpdir(), 'stap-compile-'));
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? join(doc.uri.fsPath, '..');
  const dir = isAbsolute(setting) ? setting : join(folder, setting);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function registerCompile(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
  problems: vscode.DiagnosticCollection,
): void {
  const command = async (): Promise<CompileResult | undefined> => {
    const doc = await activeScript();
    if (!doc) return undefined;
    const config = readClientConfig(vscode.workspace.getConfiguration('systemtap', doc.uri));
    for (const p of config.problems) output.appendLine(`setting ${p}`);
    const dir = outputDir(config.compileOutputDir, doc);
    output.appendLine(`--- Compile (-p4): ${doc.uri.fsPath} into ${dir}`);
    problems.clear();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SystemTap: compiling ${doc.uri.path.split('/').pop()}` },
      () => compile(doc.uri.fsPath, config.stap, dir, (e) => output.append(e.text)),
    );
    showStapDiagnostics(problems, result.diagnostics);
    const summary = summarize('Compile', result);
    output.appendLine(`--- ${summary.text}`);
    if (summary.level === 'error') {
      output.show(true);
      void vscode.window.showErrorMessage(`SystemTap: ${summary.text}`);
    } else if (result.artifact) {
      const artifact = result.artifact;
      void vscode.window.showInformationMessage(`SystemTap: compiled ${artifact}`, 'Copy Path').then((pick) => {
        if (pick) void vscode.env.clipboard.writeText(artifact);
      });
    }
    return result;
  };
  context.subscriptions.push(vscode.commands.registerCommand('systemtap.compile', command));
}
