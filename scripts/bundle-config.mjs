// The esbuild options of the stap-ls command bundle, shared by scripts/bundle.mjs (dist/) and the
// benchmarks and tests that bundle the current sources into a temporary directory.
//
// The banner lets the same file run under `node --build-snapshot` (server/src/cli-snapshot.ts),
// where a script gets no CommonJS wrapper: `module`, `__filename` and `__dirname` are then
// made up (the bundle's own path comes from STAP_LS_SNAPSHOT_BUNDLE). Under the usual wrapper
// each `var` names the wrapper's own parameter and keeps its value.
const BANNER = [
  'var module = typeof module !== "undefined" ? module : { exports: {} };',
  'var __filename = typeof __filename !== "undefined" ? __filename : process.env.STAP_LS_SNAPSHOT_BUNDLE;',
  'var __dirname = typeof __dirname !== "undefined" ? __dirname : require("node:path").dirname(__filename);',
  // web-tree-sitter is an ES module that finds its wasm through import.meta.url, which a
  // CommonJS bundle does not have: it becomes the bundle's own file URL.
  'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
].join('\n');

/** What both bundles share: one CommonJS file for Node 20, minified for production. */
function nodeBundle(entry, outfile, production, sourcemap) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap,
    minify: production,
    logLevel: 'warning',
  };
}

/** esbuild options for the `stap-ls` bundle of `entry` into `outfile`. */
export function cliBundleOptions(entry, outfile, { production = false, sourcemap = true } = {}) {
  return {
    ...nodeBundle(entry, outfile, production, sourcemap),
    banner: { js: BANNER },
    define: { 'import.meta.url': '__importMetaUrl' },
  };
}

/**
 * esbuild options for the VS Code extension (client/src/extension.ts → dist/extension.js):
 * CommonJS for VS Code's extension host, `vscode` provided by the host (external), every other
 * dependency (vscode-languageclient) bundled in. No banner: it only ever runs as a CommonJS module.
 */
export function extensionBundleOptions(entry, outfile, { production = false, sourcemap = !production } = {}) {
  return { ...nodeBundle(entry, outfile, production, sourcemap), external: ['vscode'] };
}
