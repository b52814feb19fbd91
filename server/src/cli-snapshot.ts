/**
 * Startup snapshots of the `stap-ls` command. stap has nothing like them: it lexes and parses
 * its ~480 tapset files on every run. A V8 startup snapshot (`node --snapshot-blob`, Node 20) is
 * a heap image; ours holds the compiled bundle and one session's tapset library, restored from
 * the persistent cache, with the files that session's scripts pull in already parsed. A new
 * process started from it begins with pass 1's library work done.
 *
 * - **One image per command-line signature** ({@link signature}: the command line without the
 *   script, so the options, `-I` dirs and script arguments that make the library). An image's
 *   start-up cost grows with its heap, so each holds one library; bin/stap-ls computes the same
 *   signature in sh and starts node from the matching blob when there is one.
 * - **Built** in the background, by a detached `node --build-snapshot` of the bundle itself,
 *   after a run that did not start from an image holding everything it used
 *   ({@link scheduleSnapshot}): the builder replays that command line (output thrown away),
 *   parses the hot files (those runs with this signature parsed), and writes the blob, which
 *   replaces the old one atomically (`mv`). A lock file lets one build run at a time; the
 *   builder is the only process that outlives a run, by the second or two a build takes. At most
 *   {@link MAX_IMAGES} blobs are kept, the least recently built go first.
 * - **Trusted** only after checks ({@link runFromSnapshot}): the bundle on disk must be the one
 *   the image was built from (else the bundle on disk runs instead), and the library is
 *   fingerprinted against the tapset files again on first use (library.ts
 *   `recheckLibrariesInMemory`), so an edited tapset is never served stale. A run whose session
 *   is not the image's simply loads its library from the persistent cache.
 *
 * Off with `STAP_LS_SNAPSHOT=0`, and whenever the persistent library cache is off
 * (`STAP_LS_CACHE=0`): a library without a fingerprint cannot be checked.
 * `STAP_LS_SNAPSHOT_TRACE=1` prints one line on stderr saying what happened (for tests).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';

import { loadedLibraries, recheckLibrariesInMemory, type Library, type LoadedFile } from './tapsets/library';

/** What the builder of one image does: replay a command line, then parse the hot files. */
interface SnapshotPlan {
  /** The bundle that builds (and is inside) the image, and its identity then. */
  bundle: string;
  bundleStamp: string;
  cwd: string;
  argv: string[];
  /** The library key of that command line. */
  key: string;
  /**
   * The library files runs with this signature parsed (pass 2 pulled them in). Not every file:
   * a whole parsed library is three times the heap, and starting from it costs more than
   * parsing the few files a script uses.
   */
  hot: string[];
}

/**
 * The node options of every run from an image, which the image must be built with too (V8
 * refuses a blob made under other flags). bin/stap-ls passes the same; a test checks it.
 * Change {@link BLOB_FORMAT} with them, so that no blob made under the old ones is tried.
 */
export const NODE_FLAGS = ['--single-threaded', '--no-opt'];
export const BLOB_FORMAT = 's2';

/** Blobs kept per cache directory (each some 8 MB). */
export const MAX_IMAGES = 8;

/** A lock older than this is a builder that died: it is taken over. */
const STALE_LOCK_MS = 5 * 60 * 1000;

/** At most this many hot files per image (a cap, not a target). */
const MAX_HOT = 300;

/** What the running image was built with; undefined when not started from an image. */
let image:
  | { plan: SnapshotPlan; libraries: Set<Library<unknown, unknown>>; parsed: WeakSet<LoadedFile<unknown>> }
  | undefined;

export function stamp(path: string): string {
  const st = statSync(path);
  return `${path}:${st.size}:${st.mtimeMs}`;
}

/**
 * The command line without its script, which is what decides the library: every argument but
 * the text after `-e` and any argument naming an existing `.stp` file (relative to `cwd`).
 * bin/stap-ls applies the same rule in sh (a test runs both on the same command lines), so it
 * needs no option parser; a mismatch only costs the image, never a wrong answer.
 */
export function signature(argv: readonly string[], cwd: string): string {
  const kept: string[] = [];
  let afterE = false;
  for (const a of argv) {
    if (afterE) {
      afterE = false;
      continue;
    }
    if (a === '-e') afterE = true;
    if (a.endsWith('.stp') && isFile(resolve(cwd, a))) continue;
    kept.push(a);
  }
  return kept.map((a) => `${a}\n`).join('');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The blob of a signature for this node binary in `dir`: a blob only works with the node that
 * built it. bin/stap-ls finds it by the same name: the format, `stat -L -c %s.%Y` of the node it
 * runs, and the first 16 hex digits of the signature's MD5 (`md5sum`).
 */
export function blobPath(dir: string, sig: string, execPath = process.execPath): string {
  const st = statSync(execPath);
  const node = `${st.size}.${Math.floor(st.mtimeMs / 1000)}`;
  return join(dir, `snapshot-${BLOB_FORMAT}-${node}-${createHash('md5').update(sig, 'utf8').digest('hex').slice(0, 16)}.blob`);
}

function trace(env: NodeJS.ProcessEnv, text: string): void {
  if (env.STAP_LS_SNAPSHOT_TRACE === '1') process.stderr.write(`stap-ls snapshot: ${text}\n`);
}

/**
 * After a run of `argv` (in `cwd`): starts a build of the image for its signature unless the run
 * started from that image and it held everything the run used. `cacheDir` undefined (cache
 * off) or `bundle` not a `.js` file (running from the TypeScript sources) means never.
 */
export function scheduleSnapshot(options: {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  cacheDir: string | undefined;
  bundle: string;
}): void {
  const { argv, cwd, env, cacheDir, bundle } = options;
  if (env.STAP_LS_SNAPSHOT === '0' || !cacheDir || !bundle.endsWith('.js')) return;
  const libraries = loadedLibraries();
  const used = libraries[libraries.length - 1];
  // Nothing loaded (an option error, --help), or a library the cache cannot vouch for.
  if (!used || used.fingerprint === undefined) return;
  // A script read from stdin (`-`) cannot be replayed; such runs leave the images as they are.
  if (argv.includes('-')) return;
  // The library files parsed by now (the image's and this run's). A library just parsed in
  // full (no cache entry yet) says nothing about which files scripts use: none count then.
  const restored = used.cachedDump !== undefined;
  const parsed = restored ? used.files.filter((f) => f.isParsed !== false) : [];
  if (image?.libraries.has(used) && parsed.every((f) => image!.parsed.has(f))) return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const lock = join(cacheDir, 'snapshot.lock');
    if (!takeLock(lock)) return trace(env, 'a build is already running');
    const blob = blobPath(cacheDir, signature(argv, cwd));
    const planPath = blob.replace(/\.blob$/, '.plan.json');
    const previous = readPlan(planPath);
    const same = previous?.key === used.key ? previous.hot : [];
    const plan: SnapshotPlan = {
      bundle,
      bundleStamp: stamp(bundle),
      cwd,
      argv: [...argv],
      key: used.key,
      hot: [...new Set([...parsed.map((f) => f.ref.path), ...same])].slice(0, MAX_HOT),
    };
    const tmpPlan = `${planPath}.${process.pid}.tmp`;
    writeFileSync(tmpPlan, JSON.stringify(plan));
    renameSync(tmpPlan, planPath);
    pruneImages(cacheDir, blob);
    const tmpBlob = `${blob}.${process.pid}.tmp`;
    // Paths reach the shell as positional parameters, never as text of its script.
    const script = 'blob=$1 lock=$2 tmp=$3; shift 3; "$@" && mv -f "$tmp" "$blob"; rm -f "$tmp" "$lock"';
    const builder = [process.execPath, ...NODE_FLAGS, '--snapshot-blob', tmpBlob, '--build-snapshot', bundle];
    const child = spawn('/bin/sh', ['-c', script, 'sh', blob, lock, tmpBlob, ...builder], {
      cwd,
      detached: true,
      stdio: 'ignore',
      env: { ...env, STAP_LS_SNAPSHOT_PLAN: planPath, STAP_LS_SNAPSHOT_BUNDLE: bundle },
    });
    child.on('error', () => removeQuietly(lock));
    child.unref();
    trace(env, `building ${blob}`);
  } catch {
    // No image this time; the run itself is done.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Keeps the {@link MAX_IMAGES} - 1 most recent blobs besides `keep` (and their plans). */
function pruneImages(dir: string, keep: string): void {
  const blobs = readdirSync(dir)
    .filter((f) => f.startsWith('snapshot-') && f.endsWith('.blob'))
    .map((f) => join(dir, f))
    .filter((f) => f !== keep)
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of blobs.slice(MAX_IMAGES - 1)) {
    removeQuietly(f);
    removeQuietly(f.replace(/\.blob$/, '.plan.json'));
  }
}

function takeLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(lock, 'wx'));
      return true;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
        unlinkSync(lock);
      } catch {
        // It went away meanwhile: try again.
      }
    }
  }
  return false;
}

function readPlan(path: string): SnapshotPlan | undefined {
  try {
    const plan = JSON.parse(readFileSync(path, 'utf8')) as SnapshotPlan;
    return Array.isArray(plan.argv) && Array.isArray(plan.hot) ? plan : undefined;
  } catch {
    return undefined;
  }
}

/** True in the `node --build-snapshot` process. */
export function buildingSnapshot(): boolean {
  // Node 20 answers 1 or 0, not a boolean.
  return Boolean(startupSnapshot?.isBuildingSnapshot?.());
}

/**
 * The builder (the bundle run under `--build-snapshot`): replays the plan's command line with
 * `run`, parses the hot files, and makes {@link runFromSnapshot} the image's entry point.
 */
export function buildSnapshot(run: (argv: readonly string[]) => void, main: (argv: readonly string[]) => void): void {
  const planPath = process.env.STAP_LS_SNAPSHOT_PLAN;
  const plan = planPath ? readPlan(planPath) : undefined;
  if (!plan) throw new Error('stap-ls snapshot: no plan (STAP_LS_SNAPSHOT_PLAN)');
  const home = process.cwd();
  try {
    process.chdir(plan.cwd);
    run(plan.argv);
  } catch {
    // A command line that no longer works leaves an image with the code only.
  }
  process.chdir(home);
  const hot = new Set(plan.hot);
  const parsed = new WeakSet<LoadedFile<unknown>>();
  for (const lib of loadedLibraries()) {
    for (const f of lib.files) {
      if (hot.has(f.ref.path)) void f.stapfile;
      if (f.isParsed !== false) parsed.add(f);
    }
  }
  image = { plan, libraries: new Set(loadedLibraries().filter((l) => l.fingerprint !== undefined)), parsed };
  startupSnapshot.setDeserializeMainFunction(() => runFromSnapshot(main));
}

/** The image's entry point: checks the image still fits, then runs the command line. */
function runFromSnapshot(main: (argv: readonly string[]) => void): void {
  // `node --snapshot-blob BLOB -- ARGS…`: the arguments follow node's own path.
  const argv = process.argv.slice(1);
  const plan = image!.plan;
  let current: string | undefined;
  try {
    current = stamp(plan.bundle);
  } catch {
    current = undefined;
  }
  if (current !== plan.bundleStamp) {
    trace(process.env, 'stale: the bundle changed; running it from disk');
    image = undefined;
    if (current === undefined) {
      process.stderr.write(`stap-ls: ${plan.bundle} is gone; reinstall stap-ls\n`);
      process.exitCode = 70;
      return;
    }
    const fresh = createRequire(plan.bundle)(plan.bundle) as { main(argv: readonly string[]): void };
    fresh.main(argv);
    return;
  }
  trace(process.env, `used (${image!.libraries.size} libraries)`);
  recheckLibrariesInMemory();
  main(argv);
}
