/**
 * The settings contract: package.json's `contributes.configuration` (what VS Code shows and
 * validates) lists exactly the server's SETTINGS_SCHEMA (server/src/workspace/settings.ts) and
 * then the extension's client-only CLIENT_SETTINGS_SCHEMA (client/src/config.ts), in the same
 * order; the client-only keys are exactly those the client's reader reads besides the server's;
 * bad values fall back to their defaults with a message, and the server logs that message and
 * analyses with the defaults.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CLIENT_SETTINGS_SCHEMA, readClientConfig } from '../../client/src/config';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, settingsArgv, validateSettings } from '../../server/src/workspace/settings';
import { LspClient } from './harness';

const ROOT = join(__dirname, '..', '..');
const KBUILD = join(ROOT, 'test-fixtures', 'pass1', 'kbuild');

describe('settings: package.json and the server share one schema', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration?: { title: string; properties: Record<string, unknown> } };
  };
  const ALL: Record<string, object> = { ...SETTINGS_SCHEMA, ...CLIENT_SETTINGS_SCHEMA };
  test('contributes.configuration is titled SystemTap and its properties are SETTINGS_SCHEMA then CLIENT_SETTINGS_SCHEMA', () => {
    const conf = pkg.contributes.configuration;
    assert.ok(conf, 'package.json has no contributes.configuration');
    assert.equal(conf.title, 'SystemTap');
    assert.deepEqual(conf.properties, ALL);
    // Same order too (deepEqual ignores key order): the Settings UI lists them in this order.
    assert.deepEqual(Object.keys(conf.properties), Object.keys(ALL));
    for (const [name, spec] of Object.entries(conf.properties)) {
      assert.deepEqual(Object.keys(spec as object), Object.keys(ALL[name]), name);
    }
  });
  test('the client-only settings are exactly those client/src/config.ts reads besides the server ones', () => {
    const read = new Set<string>();
    readClientConfig({ get: (key: string) => (read.add(`systemtap.${key}`), undefined) });
    const clientOnly = [...read].filter((k) => !(k in SETTINGS_SCHEMA)).sort();
    assert.deepEqual(clientOnly, Object.keys(CLIENT_SETTINGS_SCHEMA).sort());
    assert.deepEqual([...read].filter((k) => k in SETTINGS_SCHEMA).sort(), Object.keys(SETTINGS_SCHEMA).sort());
    assert.deepEqual(Object.keys(CLIENT_SETTINGS_SCHEMA).filter((k) => k in SETTINGS_SCHEMA), [], 'a key in both schemas');
    const names = Object.keys(CLIENT_SETTINGS_SCHEMA);
    for (const k of ['stapOptions', 'runtimeDir', 'defines', 'privilege', 'useSudo', 'remoteHosts', 'sshOptions', 'stopTimeoutMs', 'compileOutputDir']) {
      assert.ok(names.includes(`systemtap.${k}`), `systemtap.${k} missing`);
    }
  });
  test('every client-only setting is systemtap.*, described, and its default reads back without a problem', () => {
    for (const [name, spec] of Object.entries(CLIENT_SETTINGS_SCHEMA)) {
      assert.match(name, /^systemtap\.[a-zA-Z]+$/);
      assert.ok(spec.description.length > 10, name);
      const key = name.slice('systemtap.'.length);
      const { problems } = readClientConfig({ get: <T>(k: string) => (k === key ? (spec.default as T) : undefined) });
      assert.deepEqual(problems, [], name);
    }
  });
  test('every setting is systemtap.* and has a description and a default valid for its type', () => {
    for (const [name, spec] of Object.entries(SETTINGS_SCHEMA)) {
      assert.match(name, /^systemtap\.[a-zA-Z]+$/);
      assert.ok(spec.description.length > 10, name);
      const { settings, problems } = validateSettings({ [name.slice('systemtap.'.length)]: spec.default });
      assert.deepEqual(problems, [], name);
      assert.deepEqual(settings, DEFAULT_SETTINGS, name);
    }
  });
});

describe('settings: validation', () => {
  test('each bad value falls back to its default with a message naming the setting', () => {
    const bad = {
      tapsetDirs: 'not-a-list',
      kernelBuildDir: 42,
      kernelRelease: ['x'],
      arch: false,
      runtime: 'ebpf',
      guruMode: 'yes',
      compatible: 4.8,
      scriptArguments: [1, 2],
      stapPath: {},
    };
    const { settings, problems } = validateSettings(bad);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.equal(problems.length, Object.keys(bad).length, problems.join('\n'));
    for (const key of Object.keys(bad)) {
      assert.ok(
        problems.some((p) => p.startsWith(`systemtap.${key}: `)),
        `no problem reported for ${key}: ${problems.join('\n')}`,
      );
    }
    assert.match(problems.find((p) => p.startsWith('systemtap.runtime'))!, /one of kernel, bpf, dyninst; using "kernel"/);
  });
  test('good values are taken, bad ones beside them do not spoil them; a relative build dir is refused', () => {
    const { settings, problems } = validateSettings({ guruMode: true, runtime: 'bpf', arch: 7, scriptArguments: ['a', 'b'], kernelBuildDir: 'rel/dir' });
    assert.equal(settings.guruMode, true);
    assert.equal(settings.runtime, 'bpf');
    assert.deepEqual(settings.scriptArguments, ['a', 'b']);
    assert.equal(settings.arch, '');
    assert.equal(settings.kernelBuildDir, '');
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[1], /kernelBuildDir: "rel\/dir" is not an absolute path/);
    assert.deepEqual(settingsArgv(settings), ['--runtime=bpf', '-g']);
  });
  test('not an object at all: every default, no crash', () => {
    for (const raw of [undefined, null, 3, 'x', []]) {
      const { settings } = validateSettings(raw);
      assert.deepEqual(settings, DEFAULT_SETTINGS);
    }
  });
});

describe('settings: the server logs bad values and analyses with the defaults', () => {
  let client: LspClient;
  let work: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'stap-ls-settings-'));
    // guruMode 'yes' is not a boolean: the server falls back to false, so embedded C is an error.
    client = await LspClient.start({ kernelBuildDir: KBUILD, guruMode: 'yes', runtime: 'ebpf' });
  });
  after(async () => {
    await client.stop();
    rmSync(work, { recursive: true, force: true });
  });
  test('the log names each bad setting; guru mode stays off', async () => {
    const uri = client.open(join(work, 'guru.stp'), 'function f() %{ /* C */ %}\nprobe begin { f() }\n');
    const diags = await client.diagnostics(uri);
    const log = client.stderr.join('');
    assert.match(log, /setting systemtap\.guruMode: "yes" is not a boolean; using false/);
    assert.match(log, /setting systemtap\.runtime: "ebpf" is not one of kernel, bpf, dyninst; using "kernel"/);
    assert.ok(
      diags.some((d) => d.severity === 1 && /embedded code/.test(d.message)),
      `expected the guru-mode error with the default (off): ${JSON.stringify(diags)}`,
    );
  });
});
