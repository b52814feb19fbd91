/**
 * The remote run backend (client/src/backend/remote-run.ts) on the stap sandbox's real sshd
 * (issue 6 point 1, the remote half): output streams while the remote stap runs; Stop (stdin
 * closed → remote SIGINT) makes `probe end` print and leaves nothing on the remote (its netns)
 * nor locally (ssh and its group), and no temp dir; a compiled `.bo` runs with stapbpf under the
 * same protocol; hostile script arguments and paths arrive literally and run nothing; hostile
 * destinations are rejected before ssh; ssh failures and a missing remote stap give a message
 * naming the host; stap's errors point at the local file, not the remote temp file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { groupMembers } from '../../../client/src/backend/process-tree';
import { runRemote, runRemoteCompiled, type RemoteRunHandle } from '../../../client/src/backend/remote-run';
import type { OutputEvent, RemoteHost, RunResult } from '../../../client/src/backend/types';
import { sandboxEnv } from './local-sandbox';
import { remoteOptions, remoteRunProcesses, sandboxHost, stillAlive, waitFor } from './remote-sandbox';
import { makeStapbpfMiss } from './stapbpf-race';

const TIMEOUT = { timeout: 90000 };
const work = mkdtempSync(join(tmpdir(), 'stap-ls-remote-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SILENT = 'probe begin { printf("started\\n") }\nprobe end { printf("end\\n") }\n';

const TICKING = `probe begin { printf("begin\\n") }
probe timer.ms(200) { printf("tick\\n") }
probe end { printf("end\\n") }
`;

/** Collects a run's output; `lines()` is its stdout split into lines. */
function collector() {
  const events: OutputEvent[] = [];
  return {
    events,
    onOutput: (e: OutputEvent) => events.push(e),
    stdout: () => events.filter((e) => e.stream === 'stdout').map((e) => e.text).join(''),
    stderr: () => events.filter((e) => e.stream === 'stderr').map((e) => e.text).join(''),
  };
}

/** Nothing of the run is left: no remote process with its tag (or a child of one), no temp dir, no local ssh or group member. */
function assertNothingLeft(handle: RemoteRunHandle, remotePids: number[]): void {
  assert.deepEqual(stillAlive(remotePids), [], 'remote processes left');
  assert.deepEqual(remoteRunProcesses(handle.tag), [], 'remote processes with the run tag left');
  assert.ok(handle.pid !== undefined);
  assert.deepEqual(stillAlive([handle.pid]), [], 'local ssh left');
  assert.deepEqual(groupMembers(handle.pid), [], "local ssh's process group not empty");
  // The "remote" shares this filesystem: its temp dir is gone too.
  assert.deepEqual(readdirSync('/tmp').filter((n) => n.startsWith(`stap-ls-${handle.tag}.`)), [], 'remote temp dir left');
}

/** Starts, waits for `firstLine` while the run is still going, records the remote stap/stapbpf pids, stops. */
async function runUntilThenStop(
  start: (onOutput: (e: OutputEvent) => void) => RemoteRunHandle,
  firstLine: string,
  beforeStop?: (remoteStapbpf: number) => Promise<void>,
): Promise<{ result: RunResult; out: ReturnType<typeof collector>; handle: RemoteRunHandle; remotePids: number[] }> {
  const out = collector();
  const handle = start(out.onOutput);
  let settled = false;
  void handle.done.then(() => (settled = true));
  await waitFor(`"${firstLine}" from the remote`, () => (out.stdout().includes(`${firstLine}\n`) || settled ? true : undefined));
  assert.equal(settled, false, `the run ended before its first line arrived: ${out.stdout()} ${out.stderr()}`);
  const procs = remoteRunProcesses(handle.tag);
  const bpf = procs.find((p) => p.comm === 'stapbpf');
  assert.ok(bpf, `no remote stapbpf seen while running: ${procs.map((p) => p.comm)}`);
  await beforeStop?.(bpf.pid);
  const result = await handle.stop(15000);
  return { result, out, handle, remotePids: procs.map((p) => p.pid) };
}

describe('runRemote on the sandbox host', () => {
  test('streams output while the remote stap runs; Stop prints probe end, exits 0, leaves nothing', TIMEOUT, async () => {
    const { result, out, handle, remotePids } = await runUntilThenStop(
      (onOutput) => runRemote(join(work, 'ticking.stp'), TICKING, remoteOptions(), sandboxHost(), onOutput),
      'tick',
    );
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(result.stopped, true);
    assert.equal(result.message, undefined);
    assert.match(out.stdout(), /^begin\n(tick\n)+end\n$/);
    assert.equal(out.stderr(), '', 'nothing on stderr (no shell job messages from the wrapper)');
    assert.ok(out.events.every((e) => e.host === 'stap-sandbox-remote'));
    assertNothingLeft(handle, remotePids);
  });

  test('a script silent after its start (no output to break a pipe) is stopped too, and its probe end prints', TIMEOUT, async () => {
    const out = collector();
    const handle = runRemote(
      join(work, 'silent.stp'),
      'probe begin { printf("started\\n") }\nprobe timer.s(600) { printf("never\\n") }\nprobe end { printf("end\\n") }\n',
      remoteOptions(),
      sandboxHost(),
      out.onOutput,
    );
    // Stop only once the program runs: a SIGINT while stapbpf is still loading it is a pass-5 failure.
    await waitFor('"started"', () => (out.stdout().includes('started\n') ? true : undefined));
    const procs = remoteRunProcesses(handle.tag);
    assert.ok(procs.some((x) => x.comm === 'stapbpf'), procs.map((p) => p.comm).join(' '));
    const result = await handle.stop(15000);
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(out.stdout(), 'started\nend\n');
    assertNothingLeft(handle, procs.map((p) => p.pid));
  });

  test('a script that exits by itself ends the run without Stop; hostile arguments arrive literally and run nothing', TIMEOUT, async () => {
    const marker = join(work, 'pwned-R');
    const args = [
      `$(touch ${marker})`,
      `\`touch ${marker}-tick\``,
      `x; touch ${marker}-semi`,
      `a'b"c '\\''`,
      '-v',
      '--help',
      'two\nlines',
      '  spaced  ',
      '${HOME} $1 * ~',
    ];
    const printArgs = args.map((_, i) => `printf("<%s>\\n", @${i + 1})`).join('; ');
    const out = collector();
    const handle = runRemote(
      join(work, 'args.stp'),
      `probe begin { ${printArgs}; exit() }\n`,
      remoteOptions({ scriptArguments: args }),
      sandboxHost(),
      out.onOutput,
    );
    const result = await handle.done;
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(result.stopped, false);
    assert.equal(out.stdout(), args.map((a) => `<${a}>\n`).join(''));
    assert.deepEqual(readdirSync(work).filter((n) => n.startsWith('pwned')), [], 'an argument was executed');
    assertNothingLeft(handle, []);
  });

  test("stap's errors point at the local script (hostile path), not the remote temp file", TIMEOUT, async () => {
    const dir = join(work, `it's a $(touch pwned-path) ;dir`);
    execFileSync('mkdir', ['-p', dir]);
    const script = join(dir, `-x "my" \`probe\`.stp`);
    const text = 'probe begin {\n  x = 1\n  x = "s"\n  println(x)\n}\n';
    writeFileSync(script, text);
    const out = collector();
    const handle = runRemote(script, text, remoteOptions(), sandboxHost(), out.onOutput);
    const result = await handle.done;
    assert.equal(result.exitCode, 1);
    assert.equal(result.failedPass, 2);
    // What is shown names the user's file too, not the remote temp file.
    assert.ok(out.stderr().includes(` at ${script}:3:3`), out.stderr());
    assert.ok(!out.stderr().includes(handle.tag), out.stderr());
    assert.ok(result.diagnostics.length > 0, out.stderr());
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.line]),
      [
        [script, 3],
        [script, 2],
      ],
      JSON.stringify(result.diagnostics),
    );
    assert.match(result.message ?? '', /^On host 'stap-sandbox-remote': Pass 2: analysis failed: semantic error: type mismatch/);
    assert.equal(existsSync(join(dir, 'pwned-path')), false);
    assert.equal(existsSync('pwned-path'), false);
    assertNothingLeft(handle, []);
  });

  test('ssh killed outright (the editor crashed): the remote wrapper sees EOF and nothing stays on the remote', TIMEOUT, async () => {
    const out = collector();
    const handle = runRemote(join(work, 'killed.stp'), 'probe timer.s(600) { printf("never\\n") }\n', remoteOptions(), sandboxHost(), out.onOutput);
    const procs = await waitFor('a remote stapbpf', () => {
      const p = remoteRunProcesses(handle.tag);
      return p.some((x) => x.comm === 'stapbpf') ? p : undefined;
    });
    process.kill(handle.pid!, 'SIGKILL');
    const result = await handle.done;
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.stopped, false);
    assert.match(result.message ?? '', /killed by SIGKILL/);
    // The remote side ends on its own (sshd closes the session's stdin); a watchdog bounds the wait.
    await waitFor('the remote run to end', () =>
      stillAlive(procs.map((p) => p.pid)).length === 0 && remoteRunProcesses(handle.tag).length === 0 ? true : undefined,
    );
    assertNothingLeft(handle, procs.map((p) => p.pid));
  });

  test('Stop with no grace period takes the fallback (ssh killed at once); the remote still ends, nothing left (stap\'s work dir included)', TIMEOUT, async () => {
    const out = collector();
    const handle = runRemote(join(work, 'nograce.stp'), TICKING, remoteOptions(), sandboxHost(), out.onOutput);
    await waitFor('a tick', () => (out.stdout().includes('tick\n') ? true : undefined));
    const procs = remoteRunProcesses(handle.tag);
    // stap's work dir is in the run's own temp dir: killed ssh means stap dies of SIGPIPE writing
    // probe end, before it could remove that dir (it stayed in /tmp before)
    const runDirs = readdirSync('/tmp').filter((n) => n.startsWith(`stap-ls-${handle.tag}.`));
    const inRunDir = runDirs.some((d) => readdirSync(join('/tmp', d)).some((n) => /^stap[A-Za-z0-9]{6}$/.test(n)));
    const result = await handle.stop(0);
    assert.ok(inRunDir, `no stap work dir in ${runDirs}`);
    assert.equal(result.stopped, true);
    assert.deepEqual(stillAlive([handle.pid!]), [], 'local ssh left after stop()');
    await waitFor('the remote run to end', () =>
      stillAlive(procs.map((p) => p.pid)).length === 0 && remoteRunProcesses(handle.tag).length === 0 ? true : undefined,
    );
    assertNothingLeft(handle, procs.map((p) => p.pid));
  });

  test('a remote program that ignores SIGINT is ended by the wrapper (SIGTERM, then SIGKILL to its group) and leaves no child', TIMEOUT, async () => {
    // Stands for the stapbpf hang: `sh FILE` ignores SIGINT and has a child in its process group.
    const file = join(work, 'ignores-int.sh');
    writeFileSync(file, "trap '' INT\nsleep 600 &\necho started\nwait\n");
    const out = collector();
    const handle = runRemoteCompiled(file, {}, sandboxHost(), out.onOutput, { remoteProgram: 'sh', remoteKillAfterSec: 1 });
    await waitFor('"started"', () => (out.stdout().includes('started\n') ? true : undefined));
    const procs = await waitFor('the remote sleep', () => {
      const p = remoteRunProcesses(handle.tag);
      return p.some((x) => x.comm === 'sleep') ? p : undefined;
    });
    // A grace longer than the wrapper's own escalation (1 s + 2 s): the run ends remotely, ssh is not killed.
    const result = await handle.stop(30000);
    assert.equal(result.signal, null);
    assert.equal(result.exitCode, 143, result.message); // sh died of SIGTERM
    assertNothingLeft(handle, procs.map((p) => p.pid));
  });

  test('Stop when the remote stapbpf took the forwarded SIGTERM before pause() (the CI race, made with gdb): the wrapper wakes it with SIGINT, probe end prints', TIMEOUT, async () => {
    const { result, out, handle, remotePids } = await runUntilThenStop(
      // the wrapper's own escalation is far away (its SIGTERM would wake stapbpf too): only the wake-up can end this run in time
      (onOutput) => runRemote(join(work, 'missed.stp'), SILENT, remoteOptions(), sandboxHost(), onOutput, { remoteKillAfterSec: 60 }),
      'started',
      (bpf) => makeStapbpfMiss(bpf, 'SIGTERM'),
    );
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(out.stdout(), 'started\nend\n');
    assertNothingLeft(handle, remotePids);
  });

  test('Stop right at the first begin line, 5 times: probe end prints every time (the wrapper waits for stapbpf)', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 5; i++) {
      const { result, out, handle, remotePids } = await runUntilThenStop(
        (onOutput) => runRemote(join(work, 'first-line.stp'), SILENT, remoteOptions(), sandboxHost(), onOutput),
        'started',
      );
      assert.equal(result.exitCode, 0, `try ${i}: ${result.message} ${out.stderr()}`);
      assert.equal(out.stdout(), 'started\nend\n', `try ${i}`);
      assertNothingLeft(handle, remotePids);
    }
  });

  test('hostile destinations are rejected before ssh runs', () => {
    const marker = join(work, 'pwned');
    for (const destination of [
      `-oProxyCommand=touch ${marker}`,
      `host;touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      'host name',
      'host\n-oProxyCommand=x',
      '',
    ]) {
      const host: RemoteHost = { destination, sshOptions: sandboxHost().sshOptions };
      assert.throws(() => runRemote(join(work, 'x.stp'), 'probe begin { exit() }', remoteOptions(), host, () => {}), /destination/);
    }
    assert.equal(existsSync(marker), false);
  });

  const sshFailures: [string, string, RegExp][] = [
    ['connection refused', 'ssh://root@127.0.0.1:1', /^Cannot run on host 'ssh:\/\/root@127\.0\.0\.1:1': the connection was refused .*Connection refused/],
    ['auth failure', 'nobody-here@stap-sandbox-remote', /^Cannot run on host 'nobody-here@stap-sandbox-remote': authentication failed .*Permission denied/],
    ['unknown host', 'no-such-host.invalid', /^Cannot run on host 'no-such-host\.invalid': the host name is unknown .*Could not resolve hostname/],
  ];
  for (const [what, destination, expected] of sshFailures) {
    test(`ssh failure (${what}): exit 255 and a message naming the host`, TIMEOUT, async () => {
      const handle = runRemote(join(work, 'x.stp'), 'probe begin { exit() }', remoteOptions(), sandboxHost(undefined, destination), () => {});
      const result = await handle.done;
      assert.equal(result.exitCode, 255);
      assert.match(result.message ?? '', expected);
      assert.deepEqual(result.diagnostics, []);
      assertNothingLeft(handle, []);
    });
  }

  test('no ssh client: a message saying so, naming the host', TIMEOUT, async () => {
    const handle = runRemote(join(work, 'x.stp'), 'probe begin { exit() }', remoteOptions(), sandboxHost(), () => {}, {
      sshPath: join(work, 'no-ssh-here'),
    });
    const result = await handle.done;
    assert.equal(handle.pid, undefined);
    assert.match(result.message ?? '', /^ssh was not found at '.*no-ssh-here': install an OpenSSH client to run probes on 'stap-sandbox-remote'/);
  });

  test('stap missing on the host: exit 127 and a message naming the program and the host', TIMEOUT, async () => {
    const handle = runRemote(join(work, 'x.stp'), 'probe begin { exit() }', remoteOptions(), sandboxHost(), () => {}, {
      remoteProgram: 'stap-not-installed-here',
    });
    const result = await handle.done;
    assert.equal(result.exitCode, 127);
    assert.match(result.message ?? '', /^stap-not-installed-here was not found on host 'stap-sandbox-remote' \(.*(not found|No such file or directory)\)/);
    assertNothingLeft(handle, []);
  });
});

describe('runRemoteCompiled on the sandbox host', () => {
  test('a .bo compiled here (stap -p4 -m) runs remotely with stapbpf, streams, and stops with probe end', TIMEOUT, async () => {
    const dir = mkdtempSync(join(work, 'compile-'));
    writeFileSync(join(dir, 'ticking.stp'), TICKING);
    const env = sandboxEnv();
    execFileSync('stap', ['--runtime=bpf', '-p4', '-m', 'stapls_remote_t', '--', 'ticking.stp'], {
      cwd: dir,
      env: { ...process.env, LD_PRELOAD: env.STAP_SANDBOX_PRELOAD },
      stdio: 'pipe',
    });
    const bo = join(dir, 'stapls_remote_t.bo');
    assert.ok(existsSync(bo));
    const { result, out, handle, remotePids } = await runUntilThenStop(
      (onOutput) => runRemoteCompiled(bo, {}, sandboxHost(), onOutput),
      'tick',
    );
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(result.stopped, true);
    assert.match(out.stdout(), /^begin\n(tick\n)+end\n$/);
    assertNothingLeft(handle, remotePids);
  });

  test('a compiled .bo whose remote stapbpf took the SIGINT before pause() (made with gdb): the wrapper wakes it with SIGTERM, probe end prints', TIMEOUT, async () => {
    const dir = mkdtempSync(join(work, 'compile-'));
    writeFileSync(join(dir, 'silent.stp'), SILENT);
    execFileSync('stap', ['--runtime=bpf', '-p4', '-m', 'stapls_remote_s', '--', 'silent.stp'], {
      cwd: dir,
      env: { ...process.env, LD_PRELOAD: sandboxEnv().STAP_SANDBOX_PRELOAD },
      stdio: 'pipe',
    });
    const { result, out, handle, remotePids } = await runUntilThenStop(
      // the wrapper's own escalation (SIGTERM, which stapbpf still catches) is far away: only the wake-up ends this run in time
      (onOutput) => runRemoteCompiled(join(dir, 'stapls_remote_s.bo'), {}, sandboxHost(), onOutput, { remoteKillAfterSec: 60 }),
      'started',
      (bpf) => makeStapbpfMiss(bpf, 'SIGINT'),
    );
    assert.equal(result.exitCode, 0, `${result.message} ${out.stderr()}`);
    assert.equal(out.stdout(), 'started\nend\n');
    assertNothingLeft(handle, remotePids);
  });
});
