/**
 * The `stap` task type: `{"type": "stap", "script": "x.stp", "pass": 2, "args": [...]}` in
 * tasks.json runs stap on the script as a process (no shell) with the settings' options, `-pN`
 * when a pass is given, and the task's own arguments; stap's errors reach Problems through the
 * `$stap` and `$stap-parse` problem matchers. The provider also offers "check (-p2)" and
 * "compile (-p4)" for the script in the active editor.
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';

import { stapArgv } from './backend/stap-command';
import type { StapOptions } from './backend/types';
import { readClientConfig } from './config';

export const TASK_TYPE = 'stap';
const MATCHERS = ['$stap', '$stap-parse'];

interface StapTaskDefinition extends vscode.TaskDefinition {
  script: string;
  pass?: number;
  args?: string[];
}

/** The process a task runs: the command and its argv (the run backend's command line). */
export type StapCommandLine = (script: string, opts: StapOptions, pass?: number) => { command: string; args: string[] };

/** stap's command line as the backends build it (stapArgv), through `sudo -n` when the settings ask. */
export const stapCommandLine: StapCommandLine = (script, opts, pass) => {
  const argv = stapArgv(opts, script, pass ? { passes: pass } : {});
  return opts.sudo ? { command: 'sudo', args: ['-n', '--', opts.stapPath, ...argv] } : { command: opts.stapPath, args: argv };
};

function scriptPath(def: StapTaskDefinition, scope: vscode.TaskScope | vscode.WorkspaceFolder | undefined): string {
  if (isAbsolute(def.script)) return def.script;
  const folder = scope && typeof scope === 'object' ? scope.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? join(folder, def.script) : def.script;
}

function makeTask(def: StapTaskDefinition, scope: vscode.TaskScope | vscode.WorkspaceFolder, name: string, commandLine: StapCommandLine): vscode.Task | undefined {
  const script = scriptPath(def, scope);
  const config = readClientConfig(vscode.workspace.getConfiguration('systemtap', vscode.Uri.file(script)));
  const extra = Array.isArray(def.args) ? def.args.filter((a) => typeof a === 'string') : [];
  let line: { command: string; args: string[] };
  try {
    line = commandLine(script, { ...config.stap, extraOptions: [...config.stap.extraOptions, ...extra] }, def.pass);
  } catch (err) {
    // stapArgv refuses values stap would misread (an empty -r, a bad -D, a pass out of 1-5).
    void vscode.window.showErrorMessage(`SystemTap task ${name}: ${(err as Error).message}`);
    return undefined;
  }
  const { command, args } = line;
  const task = new vscode.Task(def, scope, name, 'stap', new vscode.ProcessExecution(command, args), MATCHERS);
  task.group = def.pass ? vscode.TaskGroup.Build : undefined;
  return task;
}

export function registerTasks(context: vscode.ExtensionContext, commandLine: StapCommandLine = stapCommandLine): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks() {
        const doc = vscode.window.activeTextEditor?.document;
        if (!doc || doc.languageId !== 'systemtap' || doc.uri.scheme !== 'file') return [];
        const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
        const scope = folder ?? vscode.TaskScope.Workspace;
        const script = folder ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.fsPath;
        const name = doc.uri.path.split('/').pop()!;
        return [
          makeTask({ type: TASK_TYPE, script, pass: 2 }, scope, `check ${name} (-p2)`, commandLine),
          makeTask({ type: TASK_TYPE, script, pass: 4 }, scope, `compile ${name} (-p4)`, commandLine),
        ].filter((t): t is vscode.Task => t !== undefined);
      },
      resolveTask(task) {
        const def = task.definition as StapTaskDefinition;
        if (typeof def.script !== 'string' || !def.script) return undefined;
        const scope = task.scope ?? vscode.TaskScope.Workspace;
        return makeTask(def, scope, task.name, commandLine);
      },
    }),
  );
}
