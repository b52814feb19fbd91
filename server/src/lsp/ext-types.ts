/**
 * The shapes and method names of the server's own requests, as plain data: the one definition
 * the server (lsp/ext.ts, with vscode-languageserver's RequestType) and the VS Code client
 * (client/src/lsp-ext.ts, with vscode-languageclient's) both build on. docs/lsp-extensions.md
 * describes them.
 */

/** The custom request methods. */
export const EXT_METHODS = {
  dumpPass1: 'systemtap/dumpPass1',
  dumpPass2: 'systemtap/dumpPass2',
  memoryUsage: 'systemtap/memoryUsage',
} as const;

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
