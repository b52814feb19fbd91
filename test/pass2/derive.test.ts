/**
 * Probe-point resolution (elaborate/derive.ts, match-tree.ts, builders*.ts) against stap 4.8.
 *
 * 1. Small scripts, one behaviour each (alias chains, globs, suffixes, `?`/`!`, conditions,
 *    recursion, every family's outcome on the fake build tree): stap-ls must print the same
 *    probe signature lines and the same `semantic error:` lines as stap. The expectations below
 *    were recorded from stap (`-r KBUILD -p2`); where stap is installed a second test re-runs it
 *    and checks that the recordings are still what it prints.
 * The installed examples (the first error line is the first failing probe point, often deep in
 * a tapset alias) are compared with stap by test/pass2/differential.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { findStap, makeFakeKbuild, runStap, type FakeKbuild } from '../helpers/stap';
import { runStapLs, stripTip } from '../pass1/harness';

interface Case {
  name: string;
  argv: string[];
  status: number;
  /** stdout lines that are probe signatures (contain ` /* <- `). */
  probes: string[];
  /** stderr lines starting `semantic error:` or `Number of similar`. */
  errors: string[];
  /** The whole stdout, for the `-v` cases (bodies as alias expansion composes them). */
  stdout?: string;
  /** The whole stderr (Debian's Tip line removed), where warnings matter. */
  stderr?: string;
  /** FIXME: what stap-ls prints instead today, when it differs. */
  known?: { probes?: string[]; errors?: string[]; stdout?: string };
}

/** Recorded from stap 4.8 with `-r /tmp/kb -p2` (the build dir is substituted at run time). */
const CASES: Case[] = [
  {
    name: "begin",
    argv: ["-e", "probe begin { println(1) }"],
    status: 0,
    probes: ["begin /* <- begin */"],
    errors: [],
  },
  {
    name: "numbers print in decimal",
    argv: ["-e", "probe timer.sec(2), timer.ms(0x10), begin(-5) { println(1) }"],
    status: 0,
    probes: ["timer.sec(2) /* <- timer.sec(2),timer.ms(16),begin(-5) */", "timer.ms(16) /* <- timer.sec(2),timer.ms(16),begin(-5) */", "begin(-5) /* <- timer.sec(2),timer.ms(16),begin(-5) */"],
    errors: [],
  },
  {
    name: "alias chain through a tapset kprobe",
    argv: ["-e", "probe syscall.open { println(1) }"],
    status: 0,
    probes: ["kprobe.function(\"sys_open\")? /*  name = sys_open*/ /* <- nd1_syscall.open = kprobe.function(\"compat_sys_open\")?, kprobe.function(\"sys32_open\")?, kprobe.function(\"sys_open\")? <- nd_syscall.open = nd1_syscall.open!, nd2_syscall.open!, tp_syscall.open <- syscall.open = dw_syscall.open!, nd_syscall.open? <- syscall.open */", "begin(-9223372036854775808) /* <- init = begin(-9223372036854775808) <- init */"],
    errors: [],
  },
  {
    name: "unknown first component",
    argv: ["-e", "probe nosuch { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'nosuch' at <input>:1:7", "semantic error: probe point mismatch (similar: tcp, udp, module, nfs, nfsd): identifier 'nosuch' at :1:7"],
  },
  {
    name: "glob with no match",
    argv: ["-e", "probe syscall.nosuch* { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'syscall' at <input>:1:7", "semantic error: probe point mismatch: didn't find any wildcard matches (similar: acct, dup, dup2, dup3, mount): identifier 'nosuch*' at :1:15"],
  },
  {
    name: "truncated",
    argv: ["-e", "probe netfilter.hook(\"x\") { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'netfilter' at <input>:1:7", "semantic error: probe point truncated (follow:  pf(string)): identifier 'hook' at :1:17"],
  },
  {
    name: "invalid suffix",
    argv: ["-e", "probe begin.foo { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'begin' at <input>:1:7", "semantic error: invalid suffix for probe: identifier 'foo' at :1:13"],
  },
  {
    name: "recursive aliases",
    argv: ["-e", "probe a = b { } probe b = a { } probe a { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'b' at <input>:1:11", "semantic error: recursive loop in alias expansion of b at <input>:1:11", "semantic error: while resolving probe point: identifier 'a' at :1:27", "semantic error: no match", "Number of similar error messages suppressed: 2."],
  },
  {
    name: "self-recursive alias",
    argv: ["-e", "probe a = a { } probe a { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'a' at <input>:1:11", "semantic error: recursive loop in alias expansion of a at <input>:1:11", "semantic error: while resolving probe point: identifier 'a' at :1:11", "semantic error: no match", "Number of similar error messages suppressed: 1."],
  },
  {
    name: "three-alias loop",
    argv: ["-e", "probe a = b {} probe b = c {} probe c = a {} probe a { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'b' at <input>:1:11", "semantic error: recursive loop in alias expansion of b at <input>:1:11", "semantic error: while resolving probe point: identifier 'a' at :1:41", "semantic error: no match", "Number of similar error messages suppressed: 3."],
  },
  {
    name: "missing debuginfo",
    argv: ["-e", "probe kernel.function(\"foo\") { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'kernel' at <input>:1:7", "semantic error: missing x86_64 kernel/module debuginfo [man warning::debuginfo] under '/tmp/kb'"],
  },
  {
    name: "perf",
    argv: ["-e", "probe perf.type(1).config(2) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'perf' at <input>:1:7", "semantic error: perf probes not available without exported perf_event_create_kernel_counter"],
  },
  {
    name: "process probes",
    argv: ["-e", "probe process(\"/bin/ls\").begin { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'process' at <input>:1:7", "semantic error: process probes not available without kernel CONFIG_UTRACE or CONFIG_TRACEPOINTS/CONFIG_ARCH_SUPPORTS_UPROBES/CONFIG_UPROBES"],
  },
  {
    name: "unspecified process",
    argv: ["-e", "probe process.function(\"x\") { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'process' at <input>:1:7", "semantic error: unspecified process probe is invalid without a -c COMMAND or -x PID [man stapprobes]"],
  },
  {
    name: "tracepoint finds nothing",
    argv: ["-e", "probe kernel.trace(\"nosuch\") { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'kernel' at <input>:1:7", "semantic error: no match"],
  },
  {
    name: "hw breakpoints",
    argv: ["-e", "probe kernel.data(1).rw { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'kernel' at <input>:1:7", "semantic error: CONFIG_PERF_EVENTS not available on this kernel: identifier 'kernel' at :1:7"],
  },
  {
    name: "multi-name alias",
    argv: ["-e", "probe p1 = p2 = begin, end { a = 1 } probe p2 { println(a) }"],
    status: 0,
    probes: ["begin /* <- p1 = p2 = begin, end <- p2 */", "end /* <- p1 = p2 = begin, end <- p2 */"],
    errors: [],
  },
  {
    name: "wildcard over aliases, sorted",
    argv: ["-e", "probe my.epi += end { x = 1 } probe my.both = begin { y = 1 } probe my.* { println(2) }"],
    status: 0,
    probes: ["begin /* <- my.both = begin <- my.* */", "end /* <- my.epi += end <- my.* */"],
    errors: [],
  },
  {
    name: "alias suffix",
    argv: ["-e", "probe myal = kprobe.function(\"sys_open\") { } probe myal.return { println(1) }"],
    status: 0,
    probes: ["kprobe.function(\"sys_open\").return /*  name = sys_open*/ /* <- myal = kprobe.function(\"sys_open\") <- myal.return */"],
    errors: [],
  },
  {
    name: "kprobe no match",
    argv: ["-e", "probe kprobe.function(\"nosuch\") { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'kprobe' at <input>:1:7", "semantic error: no match (similar functions: _stext, sys_open)"],
  },
  {
    name: "kprobe glob",
    argv: ["-e", "probe kprobe.function(\"sys_*\") { println(1) }"],
    status: 0,
    probes: ["kprobe.function(\"sys_open\") /*  name = sys_open*/ /* <- kprobe.function(\"sys_*\") */"],
    errors: [],
  },
  {
    name: "optional and sufficient",
    argv: ["-e", "probe kprobe.function(\"nosuch\")?, begin { println(1) }"],
    status: 0,
    probes: ["begin /* <- kprobe.function(\"nosuch\")?,begin */"],
    errors: [],
  },
  {
    name: "sufficient stops",
    argv: ["-e", "global g probe timer.ms(100)!, timer.s(3) if (g > 0) { println(1) } probe begin { g = 1 }"],
    status: 0,
    probes: ["timer.ms(100)! /* <- timer.ms(100)!,timer.s(3) if ((g) > (0)) */", "begin /* <- begin */", "end /* <- end */"],
    errors: [],
  },
  {
    name: "conditions through an alias",
    argv: ["-e", "global g probe my = timer.s(1) if (g > 1) { } probe my if (g < 5) { println(1) } probe begin { g = 2 }"],
    status: 0,
    probes: ["timer.s(1) if (((__global_g) > (1)) && ((__global_g) < (5))) /* <- my = timer.s(1) if ((g) > (1)) <- my if ((g) < (5)) */", "begin /* <- begin */", "begin /* <- begin */"],
    errors: [],
  },
  {
    name: "nested alias",
    argv: ["-e", "probe myalias = begin, timer.s(2) { } probe nested = myalias { } probe nested { println(1) }"],
    status: 0,
    probes: ["begin /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */", "timer.s(2) /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */"],
    errors: [],
  },
  {
    name: "timer ranges",
    argv: ["-e", "probe timer.s(0) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: interval value out of range (1, 86400)"],
  },
  {
    name: "jiffies range",
    argv: ["-e", "probe timer.jiffies(1000001) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: invalid interval for jiffies timer"],
  },
  {
    name: "hz",
    argv: ["-e", "probe timer.hz(0) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: frequency must be greater than 0"],
  },
  {
    name: "randomize",
    argv: ["-e", "probe timer.ms(5).randomize(6) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: randomization value out of range"],
  },
  {
    name: "us range",
    argv: ["-e", "probe timer.us(99) { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: interval value out of range (100, 86400000000)"],
  },
  {
    name: "timer edges",
    argv: ["-e", "probe timer.s(86400), timer.ms(5).randomize(5), timer.jiffies(1000000), timer.hz(1000), timer.ns(100000) { println(1) }"],
    status: 0,
    probes: ["timer.s(86400) /* <- timer.s(86400),timer.ms(5).randomize(5),timer.jiffies(1000000),timer.hz(1000),timer.ns(100000) */", "timer.ms(5).randomize(5) /* <- timer.s(86400),timer.ms(5).randomize(5),timer.jiffies(1000000),timer.hz(1000),timer.ns(100000) */", "timer.jiffies(1000000) /* <- timer.s(86400),timer.ms(5).randomize(5),timer.jiffies(1000000),timer.hz(1000),timer.ns(100000) */", "timer.hz(1000) /* <- timer.s(86400),timer.ms(5).randomize(5),timer.jiffies(1000000),timer.hz(1000),timer.ns(100000) */", "timer.ns(100000) /* <- timer.s(86400),timer.ms(5).randomize(5),timer.jiffies(1000000),timer.hz(1000),timer.ns(100000) */"],
    errors: [],
  },
  {
    name: "procfs paths",
    argv: ["-e", "probe procfs(\"a/b\").read, procfs(\"/x\").read, procfs(\"\").read, procfs(\"..\").write { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'procfs' at <input>:1:27", "semantic error: procfs path cannot start with a '/': identifier 'procfs' at :1:27", "semantic error: while resolving probe point: identifier 'procfs' at :1:46", "semantic error: procfs path cannot end with a '/': identifier 'procfs' at :1:46", "semantic error: while resolving probe point: identifier 'procfs' at :1:63", "semantic error: procfs path cannot be relative (and contain '.' or '..'): identifier 'procfs' at :1:63"],
  },
  {
    name: "absolute needs guru",
    argv: ["-e", "probe kernel.statement(0x1000).absolute { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'kernel' at <input>:1:7", "semantic error: absolute statement probe in unprivileged script; need stap -g: keyword at :1:1"],
  },
  {
    name: "absolute with guru",
    argv: ["-g", "-e", "probe kernel.statement(0x1000).absolute { println(1) }"],
    status: 0,
    probes: ["kernel.statement(0x1000).absolute /* pc=+0x1000 */ /* <- kernel.statement(4096).absolute */"],
    errors: [],
  },
  {
    name: "double glob",
    argv: ["-e", "probe x**y { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'x**y' at <input>:1:7", "semantic error: probe point mismatch: didn't find any wildcard matches (similar: vm, end, nfs, tcp, tty): identifier 'x**y' at :1:7"],
  },
  {
    name: "netfilter and never",
    argv: ["-e", "probe netfilter.pf(\"NFPROTO_IPV4\").hook(\"NF_INET_PRE_ROUTING\"), never { println(1) }"],
    status: 0,
    probes: ["netfilter.pf(\"NFPROTO_IPV4\").hook(\"NF_INET_PRE_ROUTING\") /* <- netfilter.pf(\"NFPROTO_IPV4\").hook(\"NF_INET_PRE_ROUTING\"),never */", "never /* <- netfilter.pf(\"NFPROTO_IPV4\").hook(\"NF_INET_PRE_ROUTING\"),never */"],
    errors: [],
  },
  {
    name: "kprobe module",
    argv: ["-e", "probe kprobe.module(\"ext4\").function(\"foo\").return { println(1) }"],
    status: 0,
    probes: ["kprobe.module(\"ext4\").function(\"foo\").return /*  name = ext4:foo*/ /* <- kprobe.module(\"ext4\").function(\"foo\").return */"],
    errors: [],
  },
  {
    name: "profile tick",
    argv: ["-e", "probe timer.profile.tick { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'timer' at <input>:1:7", "semantic error: profiling timer support (register_timer_hook) not found in kernel!"],
  },
  {
    name: "optional error printed after a required one",
    argv: ["-e", "probe kernel.function(\"a\")?, nosuch { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'nosuch' at <input>:1:30", "semantic error: probe point mismatch (similar: tcp, udp, module, nfs, nfsd): identifier 'nosuch' at :1:30", "semantic error: while resolving probe point: identifier 'kernel' at :1:7", "semantic error: missing x86_64 kernel/module debuginfo [man warning::debuginfo] under '/tmp/kb'"],
  },
  {
    name: "epilogue and prologue bodies",
    argv: ["-u", "-v", "-e", "probe p1 = begin { a = 1 } probe p1 { println(a) } probe p2 += end { b = 2 } probe p2 { println(b) }"],
    status: 0,
    probes: ["begin /* <- p1 = begin <- p1 */", "end /* <- p2 += end <- p2 */"],
    errors: [],
    stdout: "# probes\nbegin /* <- p1 = begin <- p1 */\n  # locals\n  a:long\n{ {\n{\n(a) = (1);\n};\n{\nprintln(a);\n};\n} }\nend /* <- p2 += end <- p2 */\n  # locals\n  b:long\n{ {\n{\nprintln(b);\n};\n{\n(b) = (2);\n};\n} }\n",
  },
  {
    name: "combined body",
    argv: ["-u", "-v", "-e", "probe p1 = begin { a = 1 }, { b = 2 } probe p1 { println(a+b) }"],
    status: 0,
    probes: ["begin /* <- p1 = begin <- p1 */"],
    errors: [],
    stdout: "# probes\nbegin /* <- p1 = begin <- p1 */\n  # locals\n  a:long\n  b:long\n{ {\n{\n(a) = (1);\n};\n{\nprintln((a) + (b));\n};\n{\n(b) = (2);\n};\n} }\n",
  },  {
    name: "@entry in a return probe: a .call companion probe and synthetic globals",
    argv: ["-u", "-v", "-e", "probe kprobe.function(\"sys_open\").return { println(@entry(3)) if (1) println(@entry(4)) }"],
    status: 0,
    probes: ["kprobe.function(\"sys_open\").call /*  name = sys_open*/ /* <- kprobe.function(\"sys_open\").return */", "kprobe.function(\"sys_open\").return /*  name = sys_open*/ /* <- kprobe.function(\"sys_open\").return */"],
    errors: [],
    stdout: "# globals\n__global_entry_tvar_entry_0:long [long, long]\n__global_entry_tvar_entry_0_ctr:long [long]\n__global_entry_tvar_entry_1:long [long, long]\n__global_entry_tvar_entry_1_ctr:long [long]\n# functions\ntid:long ()\n{ {\nreturn %{ /* pure */ /* unprivileged */ /* stable */ current->pid %};\n} }\n# probes\nkprobe.function(\"sys_open\").call /*  name = sys_open*/ /* <- kprobe.function(\"sys_open\").return */\n  # locals\n  _entry_tvar_tid:long\n{ {\n{\n{\n{\n};\n(_entry_tvar_tid) = (__global_tid__overload_0());\n};\n(__global_entry_tvar_entry_0[_entry_tvar_tid, ++(__global_entry_tvar_entry_0_ctr[_entry_tvar_tid])]) = (3);\n};\n(__global_entry_tvar_entry_1[_entry_tvar_tid, ++(__global_entry_tvar_entry_1_ctr[_entry_tvar_tid])]) = (4);\n} }\nkprobe.function(\"sys_open\").return /*  name = sys_open*/ /* <- kprobe.function(\"sys_open\").return */\n  # locals\n  _entry_tvar_tid:long\n  __global_entry_tvar_entry_0_tmp:long\n  __global_entry_tvar_entry_1_tmp:long\n{ {\n{\n(_entry_tvar_tid) = (__global_tid__overload_0());\n(__global_entry_tvar_entry_0_tmp) = (__global_entry_tvar_entry_0[_entry_tvar_tid, __global_entry_tvar_entry_0_ctr[_entry_tvar_tid]]);\ndelete __global_entry_tvar_entry_0[_entry_tvar_tid, (__global_entry_tvar_entry_0_ctr[_entry_tvar_tid])--];\nif (!(__global_entry_tvar_entry_0_ctr[_entry_tvar_tid])) delete __global_entry_tvar_entry_0_ctr[_entry_tvar_tid]\n;\n(__global_entry_tvar_entry_1_tmp) = (__global_entry_tvar_entry_1[_entry_tvar_tid, __global_entry_tvar_entry_1_ctr[_entry_tvar_tid]]);\ndelete __global_entry_tvar_entry_1[_entry_tvar_tid, (__global_entry_tvar_entry_1_ctr[_entry_tvar_tid])--];\nif (!(__global_entry_tvar_entry_1_ctr[_entry_tvar_tid])) delete __global_entry_tvar_entry_1_ctr[_entry_tvar_tid]\n;\n};\n{\nprintln(__global_entry_tvar_entry_0_tmp);\nprintln(__global_entry_tvar_entry_1_tmp);\n};\n} }\n",
  },
  {
    name: "procfs $value: set, append and get functions",
    argv: ["-v", "-e", "probe procfs(\"a\").read { $value = \"a\"; $value .= \"b\" } probe procfs(\"b\").read { $value = \"c\" } probe procfs(\"c\").write { println($value); println($value) }"],
    status: 0,
    probes: ["procfs(\"a\").read /* <- procfs(\"a\").read */", "procfs(\"b\").read /* <- procfs(\"b\").read */", "procfs(\"c\").write /* <- procfs(\"c\").write */"],
    errors: [],
    stdout: "# global embedded code\n%{#include \"procfs-probes.h\"%}\n# functions\n__private__input___procfs_value_append2:string (value:string)\n{ %{struct _stp_procfs_data *data = (struct _stp_procfs_data *)(CONTEXT->ips.procfs_data);\n    strlcat(data->buffer, STAP_ARG_value, data->bufsize);\n    if (data->count + strlen(STAP_ARG_value) > data->bufsize-1)\n      STAP_ERROR(\"buffer size exceeded, consider .maxsize(%lu).\", (unsigned long)(data->count + strlen(STAP_ARG_value) + 1));\n    data->count = strlen(data->buffer);\n%} }\n__private__input___procfs_value_get4:string ()\n{ %{    struct _stp_procfs_data *data = (struct _stp_procfs_data *)(CONTEXT->ips.procfs_data); /* pure */ /* stable */\n    if (!_stp_copy_from_user(STAP_RETVALUE, data->buffer, data->count))\n      STAP_RETVALUE[data->count] = '\\0';\n    else\n      STAP_RETVALUE[0] = '\\0';\n%} }\n__private__input___procfs_value_set1:string (value:string)\n{ %{struct _stp_procfs_data *data = (struct _stp_procfs_data *)(CONTEXT->ips.procfs_data);\n    strlcpy(data->buffer, STAP_ARG_value, data->bufsize);\n    if (strlen(STAP_ARG_value) > data->bufsize-1)\n      STAP_ERROR(\"buffer size exceeded, consider .maxsize(%lu).\", (unsigned long)(strlen(STAP_ARG_value) + 1));\n    data->count = strlen(data->buffer);\n%} }\n# probes\nprocfs(\"a\").read /* <- procfs(\"a\").read */\n{ {\n__private__input___procfs_value_set1(\"a\");\n__private__input___procfs_value_append2(\"b\");\n} }\nprocfs(\"b\").read /* <- procfs(\"b\").read */\n{ __private__input___procfs_value_set1(\"c\") }\nprocfs(\"c\").write /* <- procfs(\"c\").write */\n  # locals\n  __stable___private__input___procfs_value_get4_value:string\n{ {\n(__stable___private__input___procfs_value_get4_value) = (__private__input___procfs_value_get4());\nprintln(__stable___private__input___procfs_value_get4_value);\nprintln(__stable___private__input___procfs_value_get4_value);\n} }\n",
  },
  {
    name: "procfs $value read in a read probe",
    argv: ["-e", "probe procfs(\"a\").read { println($value) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: procfs $value variable cannot be read in a procfs read probe: identifier '$value' at <input>:1:34", "semantic error: unresolved type : identifier '$value' at :1:34", "Number of similar error messages suppressed: 1."],
    // FIXME: stap keeps the error on the target symbol (saved_conversion_error) and goes on to the
    // type pass, which reports it and then `unresolved type`; stap-ls reports it at derivation.
    known: { errors: ["semantic error: procfs $value variable cannot be read in a procfs read probe: identifier '$value' at <input>:1:34"] },
  },
  {
    name: "procfs $value written in a write probe",
    argv: ["-e", "probe procfs(\"a\").write { $value = \"x\" }"],
    status: 1,
    probes: [],
    errors: ["semantic error: procfs $value variable is read-only in a procfs write probe: identifier '$value' at <input>:1:27"],
  },
  {
    name: "procfs target other than $value",
    argv: ["-e", "probe procfs(\"a\").read { $foo = \"x\" }"],
    status: 1,
    probes: [],
    errors: ["semantic error: invalid target symbol for procfs probe, $value expected: identifier '$foo' at <input>:1:26"],
  },
  {
    name: "procfs $value with ++",
    argv: ["-e", "probe procfs(\"a\").read { $value++ }"],
    status: 1,
    probes: [],
    errors: ["semantic error: Only the following assign operators are implemented on procfs read target variables: '=', '.=': identifier '$value' at <input>:1:26"],
  },
  {
    name: "procfs empty path component",
    argv: ["-e", "probe procfs(\"a//b\").read { $value = \"1\" }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'procfs' at <input>:1:7", "semantic error: procfs path component cannot be empty: identifier 'procfs' at :1:7"],
  },
  {
    name: "alias name with a parameter",
    argv: ["-e", "probe myalias(\"x\") = begin { } probe begin { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while registering probe alias: keyword at <input>:1:1", "semantic error: alias component myalias contains illegal parameter"],
  },
  {
    name: "tapset alias whose body reads procfs $value",
    argv: ["-e", "probe input.char { println(char) }"],
    status: 0,
    probes: ["procfs(\"__stdin\").write /* <- input.char = procfs(\"__stdin\").write <- input.char */"],
    errors: [],
  },
  {
    name: "netfilter context variables become __nf_ locals",
    argv: ["-v", "-g", "-e", "probe netfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") { println($hooknum, $skb, $in, $out,  $okfn); $verdict = 1; println($verdict) }"],
    status: 0,
    probes: ["netfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") /* <- netfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") */"],
    errors: [],
    stdout: "# probes\nnetfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") /* <- netfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") */\n  # locals\n  __nf_hooknum:long\n  __nf_in:long\n  __nf_okfn:long\n  __nf_out:long\n  __nf_skb:long\n  __nf_verdict:long\n{ {\nprintln(__nf_hooknum, __nf_skb, __nf_in, __nf_out, __nf_okfn);\n(__nf_verdict) = (1);\nprintln(__nf_verdict);\n} }\n",
  },
  {
    name: "netfilter verdict needs guru",
    argv: ["-e", "probe netfilter.hook(\"NF_INET_PRE_ROUTING\").pf(\"NFPROTO_IPV4\") { println($verdict) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: write to netfilter verdict requires guru mode; need stap -g: identifier '$verdict' at <input>:1:74", "semantic error: unresolved type : identifier '$verdict' at :1:74", "Number of similar error messages suppressed: 1."],
    // FIXME: stap keeps the error on the target symbol and reports it again in the type pass.
    known: { errors: ["semantic error: write to netfilter verdict requires guru mode; need stap -g: identifier '$verdict' at <input>:1:74"] },
  },
  {
    name: "one read probe per procfs file, reported after the other steps",
    argv: ["-e", "probe procfs(\"x\").read { $value = \"1\" } probe procfs(\"x\").read { $value = \"1\" } probe begin { xx = 1 + \"a\"; println(xx) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: type mismatch: expected long but found string: string 'a' at <input>:1:104", "semantic error: only one read procfs probe can exist for procfs path \"x\""],
  },
  {
    name: "procfs.read twice is the file command",
    argv: ["-e", "probe procfs.read, procfs.read { $value = \"1\" }"],
    status: 1,
    probes: [],
    errors: ["semantic error: only one read procfs probe can exist for procfs path \"command\""],
  },
  {
    name: "double glob: a required location fails when its second form finds nothing",
    argv: ["-e", "probe begin** { println(1) }"],
    status: 1,
    probes: [],
    errors: ["semantic error: while resolving probe point: identifier 'begin**' at <input>:1:7", "semantic error: probe point mismatch: didn't find any wildcard matches (similar: begin, end, init, vm, generic): identifier 'begin**' at :1:7"],
  },
  {
    name: "double glob: both forms, then the component as an alias suffix",
    argv: ["-e", "probe nd1_syscall.open** { println(1) }"],
    status: 0,
    probes: ["kprobe.function(\"sys_open\")? /*  name = sys_open*/ /* <- nd1_syscall.open = kprobe.function(\"compat_sys_open\")?, kprobe.function(\"sys32_open\")?, kprobe.function(\"sys_open\")? <- nd1_syscall.open** */", "kprobe.function(\"sys_open\").return? /*  name = sys_open*/ /* <- nd1_syscall.open.return = kprobe.function(\"compat_sys_open\").return?, kprobe.function(\"sys32_open\").return?, kprobe.function(\"sys_open\").return? <- nd1_syscall.open** */", "kprobe.function(\"sys_open\").call? /*  name = sys_open*/ /* <- nd1_syscall.open = kprobe.function(\"compat_sys_open\")?, kprobe.function(\"sys32_open\")?, kprobe.function(\"sys_open\")? <- nd1_syscall.open** */", "kprobe.function(\"sys_open\").return? /*  name = sys_open*/ /* <- nd1_syscall.open = kprobe.function(\"compat_sys_open\")?, kprobe.function(\"sys32_open\")?, kprobe.function(\"sys_open\")? <- nd1_syscall.open** */", "begin(-9223372036854775808) /* <- init = begin(-9223372036854775808) <- init */"],
    errors: [],
  },
  {
    name: "an alias-derived probe points at the use (elided-probe warning)",
    argv: ["-e", "probe a = timer.s(1), begin { } probe a { x = \"s\" . 1 }"],
    status: 1,
    probes: [],
    errors: ["semantic error: no probes found"],
    stderr: "WARNING: Eliding assignment to 'x': operator '=' at <input>:1:45\n source: probe a = timer.s(1), begin { } probe a { x = \"s\" . 1 }\n                                                     ^\nWARNING: Eliding side-effect-free expression : identifier 'x' at :1:43\n source: probe a = timer.s(1), begin { } probe a { x = \"s\" . 1 }\n                                                   ^\nWARNING: Probe 'timer' has been elided: identifier 'a' at :1:39\n source: probe a = timer.s(1), begin { } probe a { x = \"s\" . 1 }\n                                               ^\nWARNING: Probe 'begin' has been elided: identifier 'a' at :1:39\n source: probe a = timer.s(1), begin { } probe a { x = \"s\" . 1 }\n                                               ^\nsemantic error: no probes found\n\nPass 2: analysis failed.  [man error::pass2]\nNumber of similar warning messages suppressed: 2.\nRerun with -v to see them.\n",
  },
];

const RECORDED_KBUILD = '/tmp/kb';

function summarize(stdout: string, stderr: string) {
  return {
    probes: stdout.split('\n').filter((l) => l.includes(' /* <- ')),
    errors: stripTip(stderr)
      .split('\n')
      .filter((l) => l.startsWith('semantic error:') || l.startsWith('Number of similar error')),
  };
}

let kbuild: FakeKbuild;
before(() => {
  kbuild = makeFakeKbuild();
});
after(() => kbuild.cleanup());

const withKbuild = (lines: string[]) => lines.map((l) => l.split(RECORDED_KBUILD).join(kbuild.dir));

describe('probe-point resolution matches stap', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const out = runStapLs(['-r', kbuild.dir, '-p2', ...c.argv]);
      const got = summarize(out.stdout, out.stderr);
      const want = { probes: c.known?.probes ?? c.probes, errors: c.known?.errors ?? c.errors };
      assert.deepEqual(got.errors, withKbuild(want.errors), out.stderr);
      assert.deepEqual(got.probes, want.probes, out.stdout);
      assert.equal(out.status, c.status, out.stderr);
      if (c.stdout !== undefined) assert.equal(out.stdout, c.known?.stdout ?? c.stdout);
      if (c.stderr !== undefined) assert.equal(out.stderr, c.stderr.split(RECORDED_KBUILD).join(kbuild.dir));
    });
  }
});

describe('the recordings are what stap prints', () => {
  const stap = findStap();
  test('stap is installed', { skip: false }, () => {
    if (!stap) console.log('stap not installed: the recorded expectations are used as they are');
  });
  if (!stap) return;
  for (const c of CASES) {
    test(c.name, async () => {
      const r = await runStap(['-r', kbuild.dir, '-p2', ...c.argv]);
      const got = summarize(r.stdout, r.stderr);
      assert.deepEqual(got.errors, withKbuild(c.errors));
      assert.deepEqual(got.probes, c.probes);
      assert.equal(r.status, c.status);
      if (c.stdout !== undefined) assert.equal(r.stdout, c.stdout);
      if (c.stderr !== undefined) assert.equal(stripTip(r.stderr), c.stderr.split(RECORDED_KBUILD).join(kbuild.dir));
    });
  }
});
