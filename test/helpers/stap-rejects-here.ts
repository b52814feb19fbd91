/**
 * The installed examples that the real stap rejects on this machine's kernel whatever the
 * debuginfo, with the reason: the editor's mode (`--assume-debuginfo`) must reject them too,
 * and test/pass2/assume-debuginfo.test.ts proves each by running stap on the same build dir.
 * Shared by that test and test/lsp/diagnostics-acceptance.test.ts (examples as documents).
 */
export const STAP_FAILS: Record<string, string> = {
  // Any machine:
  'tutorial/tapset-time-user.stp':
    'a tutorial step meant to be run with `-I tapset` (no .meta): without it timer_begin is unresolved',
  'apps/gmalloc_watch.stp': 'needs the glib tapset (its .meta test_support is `stap -l glib.mem_alloc`), which is not installed',
  'security-band-aids/security-bandaid-template.stp': 'a template (no .meta): `{...}` stands for the code to write',
  // This kernel (built without modules, so Module.symvers exports nothing):
  'profiling/perf.stp': 'perf probes need the perf_event_create_kernel_counter export, and this kernel exports nothing',
  'profiling/fileline-profile.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  'profiling/pf2.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  'profiling/pf3.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  'profiling/pf4.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  'profiling/thread-times.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  'process/sleepingBeauties.stp': 'timer.profile falls back on perf.sw.cpu_clock, and this kernel exports nothing for perf',
  // This kernel's System.map:
  'lwtools/fslatency-nd.stp': 'kprobes on do_sync_read/__vfs_read, which this kernel does not have',
  'lwtools/fsslower-nd.stp': 'kprobes on do_sync_read/__vfs_read, which this kernel does not have',
};
