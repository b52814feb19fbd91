/**
 * The server's own requests (rust-analyzer's lsp_ext idea). The extension's client mirrors
 * these; docs/lsp-extensions.md describes them.
 *
 * - `systemtap/dumpPass1`, `systemtap/dumpPass2`: what `stap-ls -p1` / `-p2` print for a
 *   document (its unsaved text, the settings' options and script arguments), byte for byte.
 */
import { RequestType } from 'vscode-languageserver';

export interface DumpParams {
  textDocument: { uri: string };
  /** Add `-v` (the `-p1` dump then holds the whole tapset library; `-p2` prints bodies). */
  verbose?: boolean;
}

export interface DumpResult {
  /** The dump (stap's stdout). */
  stdout: string;
  /** stap's stderr: errors, warnings, `-v` lines. */
  stderr: string;
  /** stap's exit status. */
  status: number;
}

export const dumpPass1 = new RequestType<DumpParams, DumpResult, void>('systemtap/dumpPass1');
export const dumpPass2 = new RequestType<DumpParams, DumpResult, void>('systemtap/dumpPass2');
