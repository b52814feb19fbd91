/**
 * The server's own requests as the client sends them. Mirrors server/src/lsp/ext.ts (same
 * method names and shapes; docs/lsp-extensions.md describes them), typed with
 * vscode-languageclient's RequestType instead of the server library's.
 */
import { RequestType } from 'vscode-languageclient';

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
  gc?: boolean;
}

export interface MemoryUsageResult {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export const memoryUsage = new RequestType<MemoryUsageParams, MemoryUsageResult, void>('systemtap/memoryUsage');
