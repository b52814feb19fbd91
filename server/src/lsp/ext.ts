/**
 * The server's own requests (rust-analyzer's lsp_ext idea), typed for vscode-languageserver;
 * their shapes and names are in ext-types.ts, which the extension's client (client/src/lsp-ext.ts)
 * builds on too. docs/lsp-extensions.md describes them.
 *
 * - `systemtap/dumpPass1`, `systemtap/dumpPass2`: what `stap-ls -p1` / `-p2` print for a
 *   document (its unsaved text, the settings' options and script arguments), byte for byte.
 * - `systemtap/memoryUsage`: the server's memory, after a full garbage collection when asked
 *   (for tests and benchmarks that look for leaks).
 */
import { RequestType } from 'vscode-languageserver';

import { EXT_METHODS, type DumpParams, type DumpResult, type MemoryUsageParams, type MemoryUsageResult } from './ext-types';

export type { DumpParams, DumpResult, MemoryUsageParams, MemoryUsageResult };

export const dumpPass1 = new RequestType<DumpParams, DumpResult, void>(EXT_METHODS.dumpPass1);
export const dumpPass2 = new RequestType<DumpParams, DumpResult, void>(EXT_METHODS.dumpPass2);
export const memoryUsage = new RequestType<MemoryUsageParams, MemoryUsageResult, void>(EXT_METHODS.memoryUsage);
