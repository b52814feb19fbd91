/**
 * The extension package is an allowlist: `.vscodeignore` excludes everything (`**`) and
 * re-includes what the extension needs. Every file the manifest (package.json) points at must
 * be re-included, or the packaged extension would lack it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { runStapLs } from './pass1/harness';

const root = join(__dirname, '..');

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
