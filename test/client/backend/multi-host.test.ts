/**
 * Several hosts at once (client/src/backend/multi-host.ts), issue 6 point 1 "two hosts at once
 * give prefixed output": the sandbox's two ssh aliases for its remote (`stap-sandbox-remote` over
 * TCP, `stap-sandbox-remote-proxy` through a ProxyCommand into the netns) run the same timer
 * script; every line arrives whole with its host's prefix, Stop ends both with their `probe end`
 * lines and leaves nothing. Also: the line cutting on its own (partial lines held per host and
 * stream, flushed at that host's end), labels for a repeated host, and the aggregated result when
 * one host fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { groupMembers } from '../../../client/src/backend/process-tree';
import type { RemoteRunHandle } from '../../../client/src/backend/remote-run';
import { HostLinePrefixer, hostLabels, runScriptOnHosts } from '../../../client/src/backend/multi-host';
import type { OutputEvent } from '../../../client/src/backend/types';
import { remoteOptions, remoteRunProcesses, sandboxHost, stillAlive, waitFor } from './remote-sandbox';

const TIMEOUT = { timeout: 90000 };
const work = mkdtempSync(join(tmpdir(), 'stap-ls-multi-host-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('HostLinePrefixer', () => {
  test('whole lines only, per host and stream; a partial line waits for its newline or the end of its host', () => {
    const out: OutputEvent[] = [];
    const a = new HostLinePrefixer('a', (e) => out.push(e));
    const b = new HostLinePrefixer('b', (e) => out.push(e));
    a.push({ stream: 'stdout', text: 'one\ntw' });
    b.push({ stream: 'stdout', text: 'x' });
    a.push({ stream: 'stderr', text: 'warn' });
    b.push({ stream: 'stdout', text: 'y\nz' });
    a.push({ stream: 'stdout', text: 'o\n\nthree' });
    a.push({ stream: 'stderr', text: 'ing\n' });
    a.flush();
    b.flush();
    assert.deepEqual(
      out.map((e) => [e.host, e.stream, e.text]),
      [
        ['a', 'stdout', '[a] one\n'],
        ['b', 'stdout', '[b] xy\n'],
        ['a', 'stdout', '[a] two\n[a] \n'],
        ['a', 'stderr', '[a] warning\n'],
        ['a', 'stdout', '[a] three\n'],
        ['b', 'stdout', '[b] z\n'],
      ],
    );
  });

  test('labels: the destination, #N for repeats', () => {
    const h = (destination: string) => ({ destination, sshOptions: [] });
    assert.deepEqual(hostLabels([h('x'), h('y'), h('x'), h('x')]), ['x', 'y', 'x#2', 'x#3']);
  });
});

describe('runScriptOnHosts on the sandbox', () => {
  test('two hosts at once (the TCP alias and the ProxyCommand alias): prefixed whole lines, Stop ends both with probe end, nothing left', TIMEOUT, async () => {
    const hosts = [sandboxHost('stap-sandbox-remote'), sandboxHost('stap-sandbox-remote-proxy')];
    const events: OutputEvent[] = [];
    const handle = runScriptOnHosts(
      hosts,
      join(work, 'ticking.stp'),
      'probe begin { printf("begin\\n") }\nprobe timer.ms(100) { printf("tick ") printf("%d\\n", 42) }\nprobe end { printf("end\\n") }\n',
      remoteOptions(),
      (e) => events.push(e),
    );
    const text = () => events.map((e) => e.text).join('');
    let settled = false;
    void handle.done.then(() => (settled = true));
    await waitFor('a tick from both hosts', () =>
      (text().includes('[stap-sandbox-remote] tick 42\n') && text().includes('[stap-sandbox-remote-proxy] tick 42\n')) || settled ? true : undefined,
    );
    assert.equal(settled, false, text());
    const runs = handle.runs as RemoteRunHandle[];
    const remotePids = runs.flatMap((r) => remoteRunProcesses(r.tag).map((p) => p.pid));
    assert.ok(runs.every((r) => remoteRunProcesses(r.tag).some((p) => p.comm === 'stapbpf')), 'a stapbpf per host while running');

    const result = await handle.stop(15000);
    assert.equal(result.exitCode, 0, result.message);
    assert.equal(result.message, undefined);
    assert.equal(result.stopped, true);
    assert.deepEqual(result.hosts.map((h) => [h.label, h.result.exitCode]), [
      ['stap-sandbox-remote', 0],
      ['stap-sandbox-remote-proxy', 0],
    ]);
    // Every event is whole lines of one host, with that host's prefix.
    for (const e of events) {
      assert.ok(e.text.endsWith('\n'), JSON.stringify(e));
      for (const line of e.text.slice(0, -1).split('\n')) assert.ok(line.startsWith(`[${e.host}] `), JSON.stringify(e));
    }
    for (const label of handle.labels) {
      const lines = text().split('\n').filter((l) => l.startsWith(`[${label}] `)).map((l) => l.slice(label.length + 3));
      assert.equal(lines[0], 'begin');
      assert.equal(lines[lines.length - 1], 'end');
      assert.ok(lines.slice(1, -1).length > 0 && lines.slice(1, -1).every((l) => l === 'tick 42'), lines.join('|'));
    }
    assert.deepEqual(stillAlive(remotePids), []);
    for (const r of runs) {
      assert.deepEqual(remoteRunProcesses(r.tag), []);
      assert.deepEqual(stillAlive([r.pid!]), []);
      assert.deepEqual(groupMembers(r.pid!), [], 'ssh or its ProxyCommand left');
    }
  });

  test('the same host twice with #2, and a failing host: per-host results, the failure gives the status and message; a last partial line is flushed', TIMEOUT, async () => {
    const refused = sandboxHost(undefined, 'ssh://root@127.0.0.1:1');
    const hosts = [sandboxHost(), sandboxHost(), refused];
    const events: OutputEvent[] = [];
    const handle = runScriptOnHosts(hosts, join(work, 'once.stp'), 'probe begin { printf("a\\nno newline"); exit() }\n', remoteOptions(), (e) =>
      events.push(e),
    );
    const result = await handle.done;
    assert.deepEqual(handle.labels, ['stap-sandbox-remote', 'stap-sandbox-remote#2', 'ssh://root@127.0.0.1:1']);
    assert.deepEqual(
      result.hosts.map((h) => h.result.exitCode),
      [0, 0, 255],
    );
    assert.equal(result.exitCode, 255);
    assert.match(result.message ?? '', /^Cannot run on host 'ssh:\/\/root@127\.0\.0\.1:1': the connection was refused/);
    const stdout = events.filter((e) => e.stream === 'stdout').map((e) => e.text).join('');
    for (const label of ['stap-sandbox-remote', 'stap-sandbox-remote#2']) {
      const lines = stdout.split('\n').filter((l) => l.startsWith(`[${label}] `));
      assert.deepEqual(lines, [`[${label}] a`, `[${label}] no newline`], stdout);
    }
    assert.ok(stdout.endsWith('\n'));
    assert.ok(events.some((e) => e.stream === 'stderr' && e.text.startsWith('[ssh://root@127.0.0.1:1] ')));
  });

  test('a hostile destination among the hosts fails the call before any run starts', () => {
    assert.throws(
      () => runScriptOnHosts([sandboxHost(), { destination: '-oProxyCommand=touch /tmp/pwned', sshOptions: [] }], 'x.stp', 'probe begin {}', remoteOptions(), () => {}),
      /starts with '-'/,
    );
  });
});
