/**
 * The workspace's files as ide/ reads them for references, rename and workspace symbols: the
 * open documents (their analyses) and the `.stp` files under the workspace folders; and which
 * paths are the user's own (open, or under a folder). Shared by those handlers.
 */
import { analyzeDocument, type Analysis } from '../../workspace/analysis';
import type { Settings } from '../../workspace/settings';
import type { Workspace } from '../../workspace/workspace';
import { workspaceScripts, type WorkspaceFile } from '../../ide/workspace-index';

/** The open documents (with their current analyses), then the folders' other scripts. */
export function workspaceFiles(workspace: Workspace): WorkspaceFile[] {
  const out: WorkspaceFile[] = [];
  const open = new Set<string>();
  for (const doc of workspace.openDocuments) {
    open.add(doc.path);
    out.push({ path: doc.path, analysis: workspace.analysis(doc.uri) });
  }
  for (const path of workspaceScripts(workspace.folders)) if (!open.has(path)) out.push({ path });
  return out;
}

/** Whether a path is one of the user's files: an open document or a file under a workspace folder. */
export function isUserFile(workspace: Workspace, path: string): boolean {
  if (workspace.openDocuments.some((d) => d.path === path)) return true;
  return workspace.folders.some((f) => path.startsWith(f.endsWith('/') ? f : `${f}/`));
}

let standIn: { settings: Settings; analysis: Analysis } | undefined;

/**
 * An analysis to read the session and library from when no document is named: an open
 * document's, else one of a one-line stand-in script (made once per settings).
 */
export function anyAnalysis(workspace: Workspace): Analysis | undefined {
  for (const doc of workspace.openDocuments) {
    const a = workspace.latestAnalysis(doc.uri) ?? workspace.analysis(doc.uri);
    if (a?.pass1) return a;
  }
  if (standIn?.settings !== workspace.settings) {
    const analysis = analyzeDocument({ path: '/untitled/stap-ls-workspace.stp', text: 'probe never {}\n', version: 0 }, workspace.settings);
    standIn = { settings: workspace.settings, analysis };
  }
  return standIn.analysis;
}
