/**
 * The extension manifest (package.json) against the code it describes: the entry point, the
 * commands with their titles (each registered by client/src/), the editor-title Run/Stop menu
 * on the `systemtap.running` context key, activation, the `stap` task type, and the semantic
 * token legend: exactly the server's non-standard token types and modifiers are declared
 * (server/src/ide/semantic-tokens.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver-protocol';

import { TOKEN_MODIFIERS, TOKEN_TYPES } from '../../server/src/ide/semantic-tokens';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const COMMANDS: Record<string, string> = {
  'systemtap.showPass1': 'SystemTap: Show Pass 1 (-p1)',
  'systemtap.showPass2': 'SystemTap: Show Pass 2 (-p2)',
  'systemtap.runProbe': 'SystemTap: Run Probe',
  'systemtap.runProbeRemote': 'SystemTap: Run Probe on Remote Hosts',
  'systemtap.stopProbe': 'SystemTap: Stop',
  'systemtap.compile': 'SystemTap: Compile (-p4)',
};

function clientSources(dir = join(ROOT, 'client', 'src')): string {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'backend')
    .map((e) => (e.isDirectory() ? clientSources(join(dir, e.name)) : e.name.endsWith('.ts') ? readFileSync(join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

test('main is the extension bundle; activation on the language and each command', () => {
  assert.equal(pkg.main, './dist/extension.js');
  assert.deepEqual(pkg.activationEvents.sort(), ['onLanguage:systemtap', ...Object.keys(COMMANDS).map((c) => `onCommand:${c}`)].sort());
});

test('the commands, their titles, and each one registered by the client', () => {
  const declared = Object.fromEntries(pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
  assert.deepEqual(declared, COMMANDS);
  const code = clientSources();
  for (const c of Object.keys(COMMANDS)) assert.ok(code.includes(`registerCommand('${c}'`), `${c} is not registered in client/src`);
});

test('the editor title shows Run, or Stop while systemtap.running', () => {
  const title = pkg.contributes.menus['editor/title'] as { command: string; when: string }[];
  assert.deepEqual(title.map((m) => m.command), ['systemtap.runProbe', 'systemtap.stopProbe']);
  assert.match(title[0].when, /!systemtap\.running/);
  assert.equal(title[1].when, 'systemtap.running');
  assert.ok(clientSources().includes("'setContext', 'systemtap.running'"));
});

test('the stap task type and the problem matchers it uses', () => {
  assert.deepEqual(pkg.contributes.taskDefinitions.map((t: { type: string }) => t.type), ['stap']);
  assert.deepEqual(pkg.contributes.taskDefinitions[0].required, ['script']);
  assert.deepEqual(pkg.contributes.problemMatchers.map((m: { name: string }) => m.name), ['stap', 'stap-parse']);
});

test('semantic tokens: exactly the non-standard types and modifiers of the server legend are declared', () => {
  const standardTypes = new Set<string>(Object.values(SemanticTokenTypes));
  const standardModifiers = new Set<string>(Object.values(SemanticTokenModifiers));
  const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
  assert.deepEqual(ids(pkg.contributes.semanticTokenTypes), TOKEN_TYPES.filter((t) => !standardTypes.has(t)).sort());
  assert.deepEqual(ids(pkg.contributes.semanticTokenModifiers), TOKEN_MODIFIERS.filter((m) => !standardModifiers.has(m)).sort());
  assert.ok(ids(pkg.contributes.semanticTokenTypes).includes('embedded'));
});

test('an untrusted workspace cannot choose what runs: those settings are restricted to user settings', () => {
  const untrusted = pkg.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  const restricted: string[] = untrusted.restrictedConfigurations;
  const declared = Object.keys(pkg.contributes.configuration.properties);
  for (const key of restricted) assert.ok(declared.includes(key), `${key} is restricted but not a setting`);
  // What names a program, passes options to one, runs a command, reaches a host or writes files.
  for (const key of ['stapPath', 'stapOptions', 'targetCommand', 'tapsetDirs', 'runtimeDir', 'useSudo', 'remoteHosts', 'sshOptions', 'compileOutputDir']) {
    assert.ok(restricted.includes(`systemtap.${key}`), `systemtap.${key} is not restricted`);
  }
});
