/**
 * The extension package is an allowlist: `.vscodeignore` excludes everything (`**`) and
 * re-includes what the extension needs. Every file the manifest (package.json) points at must
 * be re-included, or the packaged extension would lack it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import { npmRunPackage } from './helpers/npm-package';
import { zipEntries } from './helpers/zip-entries';
import { runStapLs } from './pass1/harness';

const root = join(__dirname, '..');

/** What the extension's main starts and loads beside itself: the server bundle and its two wasm files. */
const SERVER_FILES = ['dist/stap-ls.js', 'dist/tree-sitter-systemtap.wasm', 'dist/web-tree-sitter.wasm'];

function rules(): string[] {
  return readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Whether an allowlist rule (`!path`, `!dir/**`) re-includes `file`. */
export function reincluded(file: string, allow: string[]): boolean {
  const path = file.replace(/^\.\//, '');
  return allow.some((rule) => {
    const pattern = rule.slice(1);
    if (pattern.endsWith('/**')) return path.startsWith(pattern.slice(0, -2));
    return path === pattern;
  });
}

test('.vscodeignore is an allowlist', () => {
  const list = rules();
  assert.equal(list[0], '**', 'the first rule must exclude everything');
  assert.ok(list.slice(1).every((r) => r.startsWith('!')), 'after `**`, only re-includes');
});

test('every file the manifest points at is re-included and exists', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const allow = rules().slice(1);
  const files = [
    'package.json',
    ...manifest.contributes.languages.map((l: { configuration?: string }) => l.configuration).filter(Boolean),
    ...manifest.contributes.grammars.map((g: { path: string }) => g.path),
    manifest.main,
    ...SERVER_FILES,
  ];
  for (const file of files) {
    assert.ok(existsSync(join(root, file)), `${file} does not exist`);
    assert.ok(reincluded(file, allow), `${file} is not re-included by .vscodeignore`);
  }
});

test('the allowlist matcher', () => {
  assert.ok(reincluded('./syntaxes/a.json', ['!syntaxes/**']));
  assert.ok(!reincluded('syntaxesX/a.json', ['!syntaxes/**']));
  assert.ok(!reincluded('grammar/grammar.js', ['!syntaxes/**', '!package.json']));
});

test("the README's main job: stap-ls -p1 on the sample with the committed kbuild succeeds", () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  assert.match(readme, /npx stap-ls -r "\$PWD\/test-fixtures\/pass1\/kbuild" -p1 test-fixtures\/sample\.stp/);
  const r = runStapLs(['-r', join(root, 'test-fixtures', 'pass1', 'kbuild'), '-p1', 'test-fixtures/sample.stp'], { cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# parse tree dump\n# file test-fixtures\/sample\.stp\n/);
});

test('npm run package builds dist-vsix/stap-ls-VERSION.vsix holding exactly what the manifest needs', { timeout: 300_000 }, () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const vsix = join(root, 'dist-vsix', `${manifest.name}-${manifest.version}.vsix`);
  const started = Date.now();
  const r = npmRunPackage();
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(statSync(vsix).mtimeMs >= started - 2000, `${vsix} was not rewritten`);
  const strip = (f: string) => f.replace(/^\.\//, '');
  const needed = [
    'package.json',
    'README.md',
    'LICENSE',
    strip(manifest.main),
    ...SERVER_FILES,
    ...manifest.contributes.languages.map((l: { configuration: string }) => strip(l.configuration)),
    ...manifest.contributes.grammars.map((g: { path: string }) => strip(g.path)),
  ];
  // vsce adds its two metadata files and renames LICENSE to LICENSE.txt and README.md to readme.md.
  const vsceName: Record<string, string> = { LICENSE: 'LICENSE.txt', 'README.md': 'readme.md' };
  const expected = ['[Content_Types].xml', 'extension.vsixmanifest', ...needed.map((f) => `extension/${vsceName[f] ?? f}`)].sort();
  assert.deepEqual(zipEntries(vsix).sort(), expected);
});

test('the bundles require nothing but vscode and Node built-ins (the .vsix has no node_modules)', () => {
  const allowed = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'vscode']);
  for (const file of ['dist/extension.js', 'dist/stap-ls.js']) {
    const code = readFileSync(join(root, file), 'utf8');
    const required = new Set([...code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]));
    assert.ok(required.size > 0, `${file}: no require() found at all`);
    const outside = [...required].filter((m) => !allowed.has(m));
    assert.deepEqual(outside, [], `${file} requires modules that are not packaged`);
  }
  assert.match(readFileSync(join(root, 'dist/extension.js'), 'utf8'), /require\(["']vscode["']\)/);
});
