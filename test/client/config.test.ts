/**
 * client/src/config.ts: the `systemtap` section read into the run backends' StapOptions and
 * RemoteHost list; wrong values fall back to their defaults with a problem naming the setting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readClientConfig, type ConfigSource } from '../../client/src/config';

const source = (values: Record<string, unknown>): ConfigSource => ({ get: <T>(k: string) => values[k] as T | undefined });

test('defaults: stap from PATH, no options, no hosts, a 5 s stop timeout', () => {
  const c = readClientConfig(source({}));
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.stap, {
    stapPath: 'stap',
    runtime: undefined,
    kernelBuildDir: undefined,
    kernelRelease: undefined,
    runtimeDir: undefined,
    arch: undefined,
    tapsetDirs: [],
    defines: [],
    guru: false,
    compatible: undefined,
    privilege: undefined,
    targetCommand: undefined,
    extraOptions: [],
    scriptArguments: [],
    sudo: false,
  });
  assert.deepEqual(c.remoteHosts, []);
  assert.equal(c.stopTimeoutMs, 5000);
  assert.equal(c.compileOutputDir, '');
});

test('every setting lands in its option; each host gets the ssh options', () => {
  const c = readClientConfig(
    source({
      stapPath: '/opt/stap',
      runtime: 'bpf',
      kernelBuildDir: '/k/build',
      kernelRelease: 'ignored-when-a-build-dir-is-set',
      arch: 'x86_64',
      tapsetDirs: ['/t1', '/t2'],
      guruMode: true,
      compatible: '4.0',
      scriptArguments: ['a b', '2'],
      targetCommand: 'ls -l',
      stapOptions: ['-v', '--suppress-time-limits'],
      runtimeDir: '/rt',
      defines: ['MAXACTION=1000', 'X'],
      privilege: 'stapdev',
      useSudo: true,
      remoteHosts: [' root@h1 ', '', 'ssh://u@h2:2222'],
      sshOptions: ['-F', '/cfg'],
      stopTimeoutMs: 100,
      compileOutputDir: 'build',
    }),
  );
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.stap, {
    stapPath: '/opt/stap',
    runtime: 'bpf',
    kernelBuildDir: '/k/build',
    kernelRelease: undefined,
    runtimeDir: '/rt',
    arch: 'x86_64',
    tapsetDirs: ['/t1', '/t2'],
    defines: ['MAXACTION=1000', 'X'],
    guru: true,
    compatible: '4.0',
    privilege: 'stapdev',
    targetCommand: 'ls -l',
    extraOptions: ['-v', '--suppress-time-limits'],
    scriptArguments: ['a b', '2'],
    sudo: true,
  });
  assert.deepEqual(c.remoteHosts, [
    { destination: 'root@h1', sshOptions: ['-F', '/cfg'] },
    { destination: 'ssh://u@h2:2222', sshOptions: ['-F', '/cfg'] },
  ]);
  assert.equal(c.stopTimeoutMs, 100);
  assert.equal(c.compileOutputDir, 'build');
});

test('wrong values: defaults, one problem each naming the setting', () => {
  const bad = { defines: 'X=1', privilege: 'root', useSudo: 'yes', remoteHosts: [1], stopTimeoutMs: -1, runtime: 'ebpf', stapOptions: {} };
  const c = readClientConfig(source(bad));
  assert.equal(c.problems.length, Object.keys(bad).length, c.problems.join('\n'));
  for (const k of Object.keys(bad)) assert.ok(c.problems.some((p) => p.startsWith(`systemtap.${k}: `)), k);
  assert.deepEqual(c.stap.defines, []);
  assert.equal(c.stap.privilege, undefined);
  assert.equal(c.stap.sudo, false);
  assert.equal(c.stap.runtime, undefined);
  assert.deepEqual(c.remoteHosts, []);
  assert.equal(c.stopTimeoutMs, 5000);
});
