/**
 * A kernel build directory for the machine the tests run on, assembled in a temp dir from what
 * the running kernel exposes, so that stap and stap-ls resolve probe points against the real
 * kernel instead of the two-symbol fake (test-fixtures/pass1/kbuild). It holds the files stap
 * reads before pass 1 (session.cxx `setup_kernel_release`, `parse_kernel_config`,
 * `parse_kernel_exports`, `read_kernel_function_symbols`):
 *
 * - `include/config/kernel.release`: `uname -r`;
 * - `.config`: /proc/config.gz, decompressed;
 * - `System.map`: /proc/kallsyms without the module symbols (the lines ending in `[module]`),
 *   which is System.map's `ADDRESS TYPE NAME` layout (addresses are zero unless run as root;
 *   pass 2 reads only types and names);
 * - `Module.symvers`: one `0x00000000<TAB>NAME<TAB>vmlinux<TAB>EXPORT_SYMBOL<TAB>` line per
 *   `__ksymtab_NAME` symbol of kallsyms (the kernel's export table; a kernel built without
 *   modules has none, and then the file is empty, as its real Module.symvers would be).
 *
 * No debuginfo, no headers, no Makefile: DWARF probes, type queries and kbuild still fail.
 * There is no fallback: a machine without /proc/config.gz or /proc/kallsyms throws, with the
 * reason, so a test that needs the real target fails instead of testing something else.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { FakeKbuild } from './stap';

export interface RealKbuild extends FakeKbuild {
  /** `uname -r`. */
  release: string;
  /** Function symbols (`t`/`T`) in System.map. */
  functionCount: number;
  /** vmlinux exports in Module.symvers. */
  exportCount: number;
}

function readProc(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(
      `real-kbuild: cannot read ${path} (${(err as Error).message}); the --assume-debuginfo tests need the running ` +
        `kernel's ${what} (a kernel with CONFIG_IKCONFIG_PROC and CONFIG_KALLSYMS)`,
    );
  }
}

/** The running kernel's build dir files, in a new temp dir (see the file comment). */
export function makeRealKbuild(): RealKbuild {
  const config = gunzipSync(readProc('/proc/config.gz', '.config')).toString('latin1');
  const kallsyms = readProc('/proc/kallsyms', 'symbol table').toString('latin1');
  const map: string[] = [];
  const exports: string[] = [];
  let functionCount = 0;
  for (const line of kallsyms.split('\n')) {
    // `ADDRESS TYPE NAME` for vmlinux, `ADDRESS TYPE NAME\t[MODULE]` for a module's symbol.
    const m = /^([0-9a-fA-F]+) (\S) (\S+)$/.exec(line);
    if (!m) continue;
    map.push(line);
    if (m[2] === 't' || m[2] === 'T') functionCount++;
    if (m[3].startsWith('__ksymtab_')) exports.push(m[3].slice('__ksymtab_'.length));
  }
  if (functionCount === 0) throw new Error('real-kbuild: /proc/kallsyms lists no kernel function symbols');
  const kernelRelease = release();
  const root = mkdtempSync(join(tmpdir(), 'stap-real-kbuild-'));
  const dir = join(root, 'build');
  mkdirSync(join(dir, 'include', 'config'), { recursive: true });
  writeFileSync(join(dir, 'include', 'config', 'kernel.release'), `${kernelRelease}\n`);
  writeFileSync(join(dir, '.config'), config, 'latin1');
  writeFileSync(join(dir, 'System.map'), `${map.join('\n')}\n`, 'latin1');
  writeFileSync(
    join(dir, 'Module.symvers'),
    exports.map((name) => `0x00000000\t${name}\tvmlinux\tEXPORT_SYMBOL\t\n`).join(''),
    'latin1',
  );
  return {
    dir,
    release: kernelRelease,
    functionCount,
    exportCount: exports.length,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
