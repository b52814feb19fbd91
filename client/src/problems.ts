/**
 * stap's errors and warnings from a run or compile in the Problems panel: one
 * DiagnosticCollection named `stap` (source `stap`), replaced at each run, each diagnostic at
 * the line and column stap printed (1-based there, 0-based here).
 */
import * as vscode from 'vscode';

import type { StapDiagnostic } from './backend/types';
import { diagnosticsByFile } from './run-report';

export function showStapDiagnostics(collection: vscode.DiagnosticCollection, diagnostics: StapDiagnostic[]): void {
  collection.clear();
  for (const [file, list] of diagnosticsByFile(diagnostics)) {
    collection.set(
      vscode.Uri.file(file),
      list.map((d) => {
        const at = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
        const diag = new vscode.Diagnostic(
          new vscode.Range(at, at.translate(0, 1)),
          d.message,
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diag.source = 'stap';
        return diag;
      }),
    );
  }
}

/** The script of the active editor, saved (stap reads the file), or undefined with a message. */
export async function activeScript(): Promise<vscode.TextDocument | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'systemtap') {
    void vscode.window.showWarningMessage('SystemTap: open a SystemTap script (.stp) first.');
    return undefined;
  }
  if (doc.isUntitled || doc.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('SystemTap: save the script to a file first (stap runs the file).');
    return undefined;
  }
  if (doc.isDirty && !(await doc.save())) {
    void vscode.window.showErrorMessage(`SystemTap: could not save ${doc.uri.fsPath}.`);
    return undefined;
  }
  return doc;
}
