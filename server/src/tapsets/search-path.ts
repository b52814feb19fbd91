/**
 * The tapset search path and library file discovery, as stap's driver does it before pass 1
 * (session.cxx: the include path from `$SYSTEMTAP_TAPSET`, `$XDG_DATA_DIRS` and `-I`;
 * main.cxx: `passes_0_4` building `version_suffixes` and collecting `.stpm`/`.stp` files).
 *
 * - Include path: `$SYSTEMTAP_TAPSET` (or PKGDATADIR/tapset), then `DIR/systemtap/tapset` for each
 *   `$XDG_DATA_DIRS` entry, then every `-I DIR` in command-line order.
 * - Suffix dirs (§4.3): for the runtime prefix (`/linux`, `/dyninst`, `/bpf`) and then without it,
 *   the full release, the base release, shorter `major.minor` prefixes, each preceded by its
 *   `/ARCH` variant, then `/ARCH` and the directory itself.
 * - Each include dir + suffix is read non-recursively, except that the include dir itself also
 *   walks a subdirectory named `PATH` recursively (files there are parsed with `pf_auto_path`).
 *   Hidden files count; only regular files (after following symlinks) ending in the extension.
 * - All `.stpm` files of every dir come first, then all `.stp` files. Within one dir the files are
 *   in byte order of their full path (stap keeps them in a `std::set<string>`).
 * - A file is skipped when it is the same inode as one already taken (PR11949; a symlink to a
 *   taken file) or has the same path below its include dir as one already taken (PR12443: an
 *   `-I` dir's `linux/context.stp` does not override the stock one, the first seen wins).
 * - A library file that is the user's script (same inode) is reported by the driver
 *   (`usage error: tapset file 'F' cannot be run directly as a session script.`) and kept.
 *
 * File system access goes through {@link TapsetFs}; this module does no IO of its own.
 */
import type { Runtime, Target } from '../session';

/** The default tapset directory of the installed stap (PKGDATADIR/tapset). */
export const DEFAULT_TAPSET_DIR = '/usr/share/systemtap/tapset';

/** File identity, for stap's inode de-duplication. */
export interface FileId {
  dev: number;
  ino: number;
}

export interface FsEntry extends FileId {
  isFile: boolean;
  isDirectory: boolean;
  /** Size and modification time, when known: they tell a persistent cache that a file changed. */
  size?: number;
  mtimeMs?: number;
}

/** The file system as discovery needs it. `stat` follows symlinks; both return undefined on error. */
export interface TapsetFs {
  readdir(dir: string): string[] | undefined;
  stat(path: string): FsEntry | undefined;
  /**
   * Optional: the entries of `dir` with their types as the directory reports them (no stat per
   * entry); `symlink` entries are stat'ed to follow them. Saves a stat per file on every run.
   */
  readdirTyped?(dir: string): { name: string; type: 'file' | 'directory' | 'symlink' | 'other' }[] | undefined;
}

export interface SearchEnv {
  SYSTEMTAP_TAPSET?: string;
  XDG_DATA_DIRS?: string;
}

/** The include path (session.cxx): stock or `$SYSTEMTAP_TAPSET`, XDG dirs, then each `-I`. */
export function includePath(env: SearchEnv, userDirs: readonly string[], defaultDir = DEFAULT_TAPSET_DIR): string[] {
  const path = [env.SYSTEMTAP_TAPSET ? env.SYSTEMTAP_TAPSET : defaultDir];
  if (env.XDG_DATA_DIRS) {
    for (const dir of env.XDG_DATA_DIRS.split(':')) if (dir) path.push(`${dir}/systemtap/tapset`);
  }
  return [...path, ...userDirs];
}

const RUNTIME_PREFIX: Record<Runtime, string> = { kernel: '/linux', dyninst: '/dyninst', bpf: '/bpf' };

/**
 * The suffixes appended to each include dir, most specific first (main.cxx `passes_0_4`).
 * For 6.1.0-fake/x86_64/kernel: `/linux/6.1.0-fake/x86_64`, `/linux/6.1.0-fake`, `/linux/6.1.0/x86_64`,
 * …, `/linux/x86_64`, `/linux`, `/6.1.0-fake/x86_64`, …, `/x86_64`, ``.
 */
export function versionSuffixes(target: Pick<Target, 'kernelRelease' | 'kernelBaseRelease' | 'arch' | 'runtime'>): string[] {
  const releases = [target.kernelRelease];
  if (target.kernelBaseRelease !== target.kernelRelease) releases.push(target.kernelBaseRelease);
  // Shorter prefixes of the base release, dropping trailing `.N` parts down to `major.minor`.
  let family = target.kernelBaseRelease;
  for (;;) {
    const dot = family.lastIndexOf('.');
    if (dot < 0) break;
    const shorter = family.slice(0, dot);
    if (!shorter.includes('.')) break;
    releases.push(shorter);
    family = shorter;
  }
  const plain: string[] = [];
  for (const r of releases) plain.push(`/${r}/${target.arch}`, `/${r}`);
  plain.push(`/${target.arch}`, '');
  const prefix = RUNTIME_PREFIX[target.runtime];
  return [...plain.map((s) => prefix + s), ...plain];
}

/** One library file, with what the parse needs to know about where it was found. */
export interface LibraryFileRef {
  /** The path as stap prints it. */
  path: string;
  /** Index of its include dir in the include path (dir 0 ignores `--compatible` gating). */
  includeIndex: number;
  /** Found below a `PATH` subdirectory (stap `pf_auto_path`). */
  autoPath: boolean;
  /** Device and inode (stap de-duplicates by these, and compares them with the user script). */
  id: string;
  /** `size:mtime` when the file system reports them (see library-cache.ts). */
  stamp?: string;
}

/** One include dir + suffix dir that had files: stap's `-vv` line `Searched: "D", found: N, processed: M`. */
export interface SearchedDir {
  dir: string;
  /** Files with the extension found there. */
  found: number;
  /** The files kept after de-duplication, in order (`processed` counts those that then parse). */
  files: LibraryFileRef[];
}

export interface DiscoveryResult {
  /** `.stpm` dirs in search order, each with its files. */
  macroDirs: SearchedDir[];
  /** `.stp` dirs in search order, each with its files. */
  scriptDirs: SearchedDir[];
}

/** The path stap prints for a file `name` read from directory `dir` (trailing slashes of the dir folded). */
export function joinDir(dir: string, name: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  return `${trimmed}/${name}`;
}

/**
 * Lists library files of one extension in every include dir × suffix dir, de-duplicated by
 * inode and by path below the include dir, the first seen winning.
 */
function collect(
  path: readonly string[],
  suffixes: readonly string[],
  extension: '.stp' | '.stpm',
  fs: TapsetFs,
): SearchedDir[] {
  const seenIds = new Set<string>();
  const seenTails = new Set<string>();
  const out: SearchedDir[] = [];
  for (let i = 0; i < path.length; i++) {
    const root = path[i];
    for (const suffix of suffixes) {
      const dir = root + suffix;
      const found: { path: string; autoPath: boolean }[] = [];
      listDir(dir, extension, fs, suffix === '', found);
      if (found.length === 0) continue;
      found.sort((a, b) => compareBytes(a.path, b.path));
      const files: LibraryFileRef[] = [];
      for (const f of found) {
        const st = fs.stat(f.path);
        if (!st) continue;
        const id = `${st.dev}:${st.ino}`;
        const tail = tailBelow(root, f.path);
        if (seenIds.has(id) || seenTails.has(tail)) continue;
        seenIds.add(id);
        seenTails.add(tail);
        const stamp = st.size !== undefined ? `${st.size}:${st.mtimeMs}` : undefined;
        files.push({ path: f.path, includeIndex: i, autoPath: f.autoPath, id, stamp });
      }
      out.push({ dir, found: found.length, files });
    }
  }
  return out;
}

/** Regular files of `dir` with the extension; with `walkPath`, also everything below `dir/PATH`. */
function listDir(
  dir: string,
  extension: string,
  fs: TapsetFs,
  walkPath: boolean,
  out: { path: string; autoPath: boolean }[],
  autoPath = false,
): void {
  const typed = fs.readdirTyped?.(dir);
  const names = typed ? undefined : fs.readdir(dir);
  if (!typed && !names) return;
  const entries = typed ?? names!.map((name) => ({ name, type: 'symlink' as const }));
  for (const { name, type } of entries) {
    const full = joinDir(dir, name);
    let isDirectory = type === 'directory';
    let isFile = type === 'file';
    if (type === 'symlink') {
      const st = fs.stat(full);
      if (!st) continue;
      isDirectory = st.isDirectory;
      isFile = st.isFile;
    }
    if (isDirectory) {
      if (autoPath || (walkPath && name === 'PATH')) listDir(full, extension, fs, false, out, true);
    } else if (isFile && name.endsWith(extension) && name.length > extension.length - 1) {
      out.push({ path: full, autoPath });
    }
  }
}

/**
 * The part of `file` below the include dir `root`, for the PR12443 path-tail check, cut as stap
 * cuts it: one character past the root as written. So `-I DIR/` (a trailing slash) also cuts the
 * first letter of a top-level file's name (`DIR/input.stp` → `nput.stp`), which then never
 * clashes with the default tapset's `input.stp`, while `DIR//linux/x.stp` still clashes with
 * `linux/x.stp`.
 */
function tailBelow(root: string, file: string): string {
  return file.startsWith(root) ? file.slice(root.length + 1) : file;
}

/** std::string ordering: by UTF-16 code unit, which for latin1 text is byte order. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Finds the library: all `.stpm` dirs, then all `.stp` dirs, in stap's order, de-duplicated. */
export function discoverLibrary(
  path: readonly string[],
  target: Pick<Target, 'kernelRelease' | 'kernelBaseRelease' | 'arch' | 'runtime'>,
  fs: TapsetFs,
): DiscoveryResult {
  const suffixes = versionSuffixes(target);
  return { macroDirs: collect(path, suffixes, '.stpm', fs), scriptDirs: collect(path, suffixes, '.stp', fs) };
}

/** The identity stap compares files by (`dev:ino`), or undefined when the file cannot be stat'ed. */
export function fileId(fs: TapsetFs, path: string): string | undefined {
  const st = fs.stat(path);
  return st ? `${st.dev}:${st.ino}` : undefined;
}
