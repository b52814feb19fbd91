// compile (stap -p4 -m NAME in the output dir) on the real stap in the sandbox: the .bo is made
// and running it with stapbpf (runCompiled) works, streams, stops with probe end and leaves no
// process; a pass-2 error gives no artifact but the diagnostic; module names stap accepts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import { compile, MAX_MODULE_NAME, moduleNameFor } from '../../../client/src/backend/compile';
import { runCompiled } from '../../../client/src/backend/local-run';
import { makeStapbpfMiss } from './stapbpf-race';
import { groupMembers, processAlive } from '../../../client/src/backend/process-tree';
import type { OutputEvent } from '../../../client/src/backend/types';
import { aliveProcesses, sandboxOptions, scriptDir } from './local-sandbox';

const dir = scriptDir({
  'Hello World-1.stp': 'probe begin { printf("hello %s\\n", @1); exit() }\n',
  'tick.stp': 'global n\nprobe timer.ms(100) { n++; printf("tick %d\\n", n) }\nprobe end { printf("end %d\\n", n) }\n',
  'silent.stp': 'probe begin { printf("started\\n") }\nprobe end { printf("the end\\n") }\n',
  'sem.stp': 'probe begin {\n  println(1 + "a")\n}\n',
});

/** runCompiled on the sandbox; resolves once its output holds `text`, with the output so far and whether the run had settled then. */
async function runCompiledUntil(artifact: string, text: string) {
  let output = '';
  let arrived!: () => void;
  const seen = new Promise<void>((r) => (arrived = r));
  const run = runCompiled(artifact, sandboxOptions(), (e) => {
    output += e.text;
    if (output.includes(text)) arrived();
  }, { watchdogMs: 90_000 });
  let settled = false;
  void run.done.then(() => (settled = true));
  await seen;
  return { run, settledEarly: settled, output: () => output };
}

test('moduleNameFor: the script name made into a name stap -m accepts', () => {
  assert.equal(moduleNameFor('/a/Hello World-1.stp'), 'hello_world_1');
  assert.equal(moduleNameFor('/a/1st.stp'), 'stap_1st');
  assert.equal(moduleNameFor("/a/$(x) 'q.stpm"), '__x___q');
  assert.equal(moduleNameFor(`/a/${'x'.repeat(80)}.stp`), 'x'.repeat(MAX_MODULE_NAME));
});

test('compile-only produces the .bo in the output dir; running it with stapbpf works', { timeout: 120_000 }, async () => {
  const outDir = join(dir, 'out dir/new');
  const chunks: OutputEvent[] = [];
  const result = await compile(join(dir, 'Hello World-1.stp'), sandboxOptions({ scriptArguments: ['$(x) y'] }), outDir, (e) => chunks.push(e));
  assert.equal(result.exitCode, 0, result.message);
  assert.equal(result.message, undefined);
  assert.equal(result.artifact, join(outDir, 'hello_world_1.bo'));
  assert.ok(isAbsolute(result.artifact!));
  const elf = readFileSync(result.artifact!);
  assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
  assert.equal(elf.readUInt16LE(18), 247, 'e_machine is not EM_BPF');
  assert.deepEqual(readdirSync(outDir), ['hello_world_1.bo']);
  assert.ok(chunks.some((c) => c.stream === 'stdout' && c.text.includes('hello_world_1.bo')));

  let stdout = '';
  const run = runCompiled(result.artifact!, sandboxOptions(), (e) => (stdout += e.stream === 'stdout' ? e.text : ''), { watchdogMs: 60_000 });
  const ran = await run.done;
  assert.equal(ran.exitCode, 0, ran.message);
  assert.equal(stdout, 'hello $(x) y\n'); // the argument was fixed at compile time, literally
  assert.deepEqual(aliveProcesses(run.pid!, [run.pid!]), []);
});

test('a compiled timer probe streams under stapbpf and Stop runs its end probe, leaving no process', { timeout: 120_000 }, async () => {
  const result = await compile(join(dir, 'tick.stp'), sandboxOptions(), join(dir, 'out-tick'));
  assert.ok(result.artifact, result.message);
  const { run, settledEarly, output } = await runCompiledUntil(result.artifact, 'tick 2\n');
  assert.equal(settledEarly, false);
  assert.ok(processAlive(run.pid!));
  const members = groupMembers(run.pid!);
  const ran = await run.stop(30_000);
  assert.equal(ran.stopped, true);
  assert.equal(ran.exitCode, 0, ran.message);
  assert.match(output(), /^tick 1\ntick 2\n(tick \d+\n)*end \d+\n$/);
  assert.deepEqual(aliveProcesses(run.pid!, [run.pid!, ...members]), []);
});

test('a pass-2 error: no artifact, the diagnostic at its line, the failed pass', { timeout: 120_000 }, async () => {
  const script = join(dir, 'sem.stp');
  const outDir = join(dir, 'out-sem');
  const result = await compile(script, sandboxOptions(), outDir);
  assert.equal(result.artifact, undefined);
  assert.equal(result.failedPass, 2);
  assert.match(result.message ?? '', /^Pass 2: analysis failed: semantic error: type mismatch/);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.line, d.column]), [[script, 2, 15]]);
  assert.deepEqual(readdirSync(outDir), []);
});

test('runCompiled refuses what it cannot run; a missing stapbpf is said clearly', { timeout: 30_000 }, async () => {
  const ko = await runCompiled(join(dir, 'x.ko'), sandboxOptions(), () => {}).done;
  assert.match(ko.message ?? '', /^Only a BPF artifact \(\.bo\) can be run/);
  const missing = await runCompiled(join(dir, 'x.bo'), sandboxOptions(), () => {}, { stapbpfPath: '/nonexistent/stapbpf' }).done;
  assert.match(missing.message ?? '', /^stapbpf was not found at '\/nonexistent\/stapbpf'/);
  assert.equal(existsSync(join(dir, 'x.bo')), false);
});

test('stapbpf run directly: Stop right at the first begin line, 5 times, runs probe end every time', { timeout: 300_000 }, async () => {
  const compiled = await compile(join(dir, 'silent.stp'), sandboxOptions(), join(dir, 'out-silent'));
  assert.ok(compiled.artifact, compiled.message);
  for (let i = 0; i < 5; i++) {
    const { run, output } = await runCompiledUntil(compiled.artifact, 'started\n');
    const result = await run.stop(20_000);
    assert.equal(result.exitCode, 0, `try ${i}: ${output()}`);
    assert.equal(output(), 'started\nthe end\n', `try ${i}`);
    assert.deepEqual(aliveProcesses(run.pid!, [run.pid!]), []);
  }
});

test('stapbpf run directly, having taken our SIGINT before pause() (made with gdb): it is woken with SIGTERM, probe end prints', { timeout: 120_000 }, async () => {
  const compiled = await compile(join(dir, 'silent.stp'), sandboxOptions(), join(dir, 'out-silent-miss'));
  assert.ok(compiled.artifact, compiled.message);
  const { run, output } = await runCompiledUntil(compiled.artifact, 'started\n');
  await makeStapbpfMiss(run.pid!, 'SIGINT');
  const result = await run.stop(30_000);
  assert.equal(result.exitCode, 0, output());
  assert.equal(output(), 'started\nthe end\n');
  assert.deepEqual(aliveProcesses(run.pid!, [run.pid!]), []);
});
