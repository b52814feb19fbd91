/**
 * The server's own requests (rust-analyzer's lsp_ext idea). The extension's client mirrors
 * these; docs/lsp-extensions.md describes them.
 *
 * - `systemtap/dumpPass1`, `systemtap/dumpPass2`: what `stap-ls -p1` / `-p2` print for a
 *   document (its unsaved text, the settings' options and script arguments), byte for byte.
 * - `systemtap/memoryUsage`: the server's memory, after a full garbage collection when asked
 *   (for tests and benchmarks that look for leaks).
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

export interface MemoryUsageParams {
  /** Run a full garbage collection first. */
  gc?: boolean;
}

export interface MemoryUsageResult {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export const memoryUsage = new RequestType<MemoryUsageParams, MemoryUsageResult, void>('systemtap/memoryUsage');
