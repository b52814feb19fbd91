/**
 * The Node.js flags the language server process is started with, by `bin/stap-ls` (server
 * mode) and by the VS Code client (its server options' execArgv); test/lsp/node-flags.test.ts
 * keeps the launcher in step with this list.
 *
 * `--max-semi-space-size=4` (MiB): the server holds one large, long-lived heap (the tapset
 * library, the open documents' analyses) and each analysis makes short-lived garbage. V8 lets
 * the young generation grow to 3 × 16 MiB by default, and that memory stays resident; 4 MiB
 * semi-spaces keep the resident size some 20 MiB lower with the 2,000-line benchmark script
 * open (three bench runs each: 122–133 MiB against 140–156), with the same time to
 * diagnostics. 2 MiB saved no more and promoted so much garbage that major collections began
 * to land in hovers (p99 up to 12 ms). The flag only works at start-up
 * (`v8.setFlagsFromString` does not resize the young generation later).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
