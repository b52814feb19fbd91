/**
 * The status bar item: the target the scripts are analysed and run for (kernel release, arch,
 * runtime) and whether stap was found (a warning icon and the reason in the tooltip when not).
 * Refreshed when the `systemtap` settings change; a click opens those settings.
 */
import * as vscode from 'vscode';

import { readClientConfig } from './config';
import { probeStap, targetSummary } from './target-summary';

export function registerStatus(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem('systemtap.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'SystemTap target';
  item.command = { command: 'workbench.action.openSettings', title: 'SystemTap settings', arguments: ['systemtap.'] };
  context.subscriptions.push(item);
  let generation = 0;
  const refresh = async () => {
    const gen = ++generation;
    const { stap } = readClientConfig(vscode.workspace.getConfiguration('systemtap'));
    const t = targetSummary(stap);
    const target = `${t.kernelRelease} ${t.arch} ${t.runtime}`;
    item.text = `$(loading~spin) stap ${target}`;
    item.show();
    const probe = await probeStap(stap.stapPath);
    if (gen !== generation) return;
    if (probe.found) {
      item.text = `$(pulse) stap ${target}`;
      item.tooltip = `SystemTap ${probe.version}\nTarget: kernel ${t.kernelRelease}, arch ${t.arch}, runtime ${t.runtime}`;
      item.backgroundColor = undefined;
    } else {
      item.text = `$(warning) stap ${target}`;
      item.tooltip = `stap not found: ${probe.message}\nTarget: kernel ${t.kernelRelease}, arch ${t.arch}, runtime ${t.runtime}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('systemtap')) void refresh();
    }),
  );
  void refresh();
}
