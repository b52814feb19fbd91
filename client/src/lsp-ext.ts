/**
 * The server's own requests as the client sends them: the shapes and method names of
 * server/src/lsp/ext-types.ts (one definition for both sides; docs/lsp-extensions.md describes
 * them), typed with vscode-languageclient's RequestType.
 */
import { RequestType } from 'vscode-languageclient';

import { EXT_METHODS, type DumpParams, type DumpResult, type MemoryUsageParams, type MemoryUsageResult } from '../../server/src/lsp/ext-types';

export type { DumpParams, DumpResult, MemoryUsageParams, MemoryUsageResult };

export const dumpPass1 = new RequestType<DumpParams, DumpResult, void>(EXT_METHODS.dumpPass1);
export const dumpPass2 = new RequestType<DumpParams, DumpResult, void>(EXT_METHODS.dumpPass2);
export const memoryUsage = new RequestType<MemoryUsageParams, MemoryUsageResult, void>(EXT_METHODS.memoryUsage);
