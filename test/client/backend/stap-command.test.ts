// stapArgv: the fixed option order, `--` before the script, and hostile paths/arguments passed
// literally to the real stap (run without a shell in the sandbox), never executed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stapArgv } from '../../../client/src/backend/stap-command';
import type { StapOptions } from '../../../client/src/backend/types';
import { plainOptions, sandboxOptions, scriptDir } from './local-sandbox';

const base: StapOptions = plainOptions();

test('stapArgv: every option in the documented order, each value its own element, -- before the script', () => {
  const argv = stapArgv(
    {
      ...base,
      runtime: 'bpf',
      kernelBuildDir: '/k b',
      kernelRelease: 'ignored',
      runtimeDir: '/rt',
      arch: 'x86_64',
      tapsetDirs: ['/t 1', '-t2'],
      defines: ['MAXACTION=10', 'X'],
      guru: true,
      compatible: '4.0',
      privilege: 'stapusr',
      targetCommand: 'ls -l; echo $(id)',
      extraOptions: ['-v', '-x', '123'],
      scriptArguments: ['a b', '-v', "'q\"", ''],
    },
    '/s s.stp',
    { passes: 4, moduleName: 'my_mod' },
  );
  assert.deepEqual(argv, [
    '--runtime=bpf', '-r', '/k b', '-R', '/rt', '-a', 'x86_64', '-I', '/t 1', '-I', '-t2',
    '-D', 'MAXACTION=10', '-D', 'X', '-g', '--compatible=4.0', '--privilege=stapusr',
    '-c', 'ls -l; echo $(id)', '-v', '-x', '123', '-p4', '-m', 'my_mod',
    '--', '/s s.stp', 'a b', '-v', "'q\"", '',
  ]);
  assert.deepEqual(stapArgv({ ...base, kernelRelease: '6.1.0' }, 'x.stp'), ['-r', '6.1.0', '--', 'x.stp']);
});

test('stapArgv: a script named "-" (stdin to stap) becomes ./-, other leading-dash names stay literal after --', () => {
  assert.deepEqual(stapArgv(base, '-'), ['--', './-']);
  assert.deepEqual(stapArgv(base, '-x.stp'), ['--', '-x.stp']);
});

test('stapArgv: rejects what stap would misread or refuse, with a clear message', () => {
  assert.throws(() => stapArgv(base, ''), /script path is empty/);
  assert.throws(() => stapArgv({ ...base, scriptArguments: ['a\0b'] }, 'x.stp'), /NUL/);
  assert.throws(() => stapArgv({ ...base, defines: ['-x'] }, 'x.stp'), /not NAME or NAME=VALUE/);
  assert.throws(() => stapArgv({ ...base, extraOptions: ['--'] }, 'x.stp'), /'--' is not allowed/);
  assert.throws(() => stapArgv({ ...base, tapsetDirs: [''] }, 'x.stp'), /tapset dir \(-I\) is empty/);
  assert.throws(() => stapArgv(base, 'x.stp', { moduleName: 'a-b' }), /module name 'a-b'/);
  assert.throws(() => stapArgv(base, 'x.stp', { moduleName: 'a'.repeat(55) }), /1 to 54/);
  assert.throws(() => stapArgv(base, 'x.stp', { passes: 6 }), /1 to 5/);
});

test('stapArgv with the real stap: hostile script path and arguments arrive literally and run nothing', () => {
  const marker = `/tmp/pwned-stap-command-${process.pid}`;
  rmSync(marker, { force: true });
  // a file name cannot hold '/': its payload touches a file in the cwd (the script's dir)
  const name = `-x; $(touch pwned) 'q" .stp`;
  const dir = scriptDir({ [name]: 'probe begin { printf("[%s][%s][%s]\\n", @1, @2, @3); exit() }\n' });
  const args = [`$(touch ${marker})`, '-v', `a'; touch ${marker}; "b`];
  const opts = sandboxOptions({ scriptArguments: args });
  const r = spawnSync(opts.stapPath, stapArgv(opts, name), {
    cwd: dir,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `[${args[0]}][${args[1]}][${args[2]}]\n`);
  assert.equal(existsSync(marker), false, 'a hostile argument was executed');
  assert.equal(existsSync(join(dir, 'pwned')), false, 'the hostile script name was executed');
  // the name really was the file (stap names it in its messages literally)
  const bad = spawnSync(opts.stapPath, stapArgv({ ...opts, scriptArguments: [] }, name), {
    cwd: dir,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`at ${name}:1:`), bad.stderr);
  rmSync(join(dir), { recursive: true, force: true });
});
