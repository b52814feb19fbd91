/**
 * Shared by the symbol-resolution tests: parse a script (and the installed tapset library) with
 * pass 1 in-process, and build a fresh pass-2 Elaboration over it, the way the CLI does before
 * `runPass2`. The library is parsed once per search path and reused by every test.
 */
import { nodeCliIo } from '../../server/src/cli';
import type { StapFile } from '../../server/src/ast/staptree';
import type { Elaboration, Pass2Options } from '../../server/src/elaborate/model';
import { newElaboration } from '../../server/src/passes/pass2';
import { runPass1, stapWiring } from '../../server/src/passes/pass1';
import { Reporter } from '../../server/src/passes/parse/report';
import type { Session } from '../../server/src/session';
import { includePath } from '../../server/src/tapsets/search-path';

export interface ScriptOptions {
  /** `-E` scripts. */
  additional?: string[];
  /** `-I` dirs. */
  includeDirs?: string[];
  guru?: boolean;
  privilege?: Session['privilege'];
  /** A script file path instead of the text (the text is then ignored). */
  path?: string;
}

export function testSession(o: ScriptOptions = {}): Session {
  return {
    target: {
      kernelRelease: '6.1.0-fake',
      kernelBaseRelease: '6.1.0',
      arch: 'x86_64',
      runtime: 'kernel',
      kernelConfig: new Map([
        ['CONFIG_X86_64', 'y'],
        ['CONFIG_KPROBES', 'y'],
      ]),
    },
    compatible: '4.8',
    privilege: o.privilege ?? 'stapdev',
    guru: o.guru ?? false,
    includePath: includePath({}, o.includeDirs ?? []),
    args: [],
    verbose: 0,
    lastPass: 2,
    suppressWarnings: false,
    warningsAsErrors: false,
  };
}

export function testOptions(): Pass2Options {
  return {
    unoptimized: false,
    assumeDebuginfo: false,
    keepGoing: false,
    kernelBuildDir: '/tmp/kb',
    kernelSymbols: new Set(['_stext', 'sys_open']),
    commandLineGlobals: new Map(),
    noGlobalVarDisplay: false,
  };
}

/** Parses `text` (as `-e`) and the library; throws if pass 1 fails. */
export function parseScript(text: string, o: ScriptOptions = {}): { session: Session; userFiles: StapFile[]; libraryFiles: StapFile[] } {
  const session = testSession(o);
  const io = { ...nodeCliIo().files, libraryStore: undefined };
  const reporter = new Reporter({ verbose: 0, suppressWarnings: false });
  const script = o.path !== undefined ? { kind: 'file' as const, path: o.path } : { kind: 'text' as const, text };
  const result = runPass1(session, { script, additional: o.additional ?? [] }, stapWiring().frontend, io, reporter, 0);
  if (!result.ok) throw new Error(`pass 1 failed:\n${reporter.text}`);
  return { session, userFiles: result.userFiles, libraryFiles: result.libraryFiles };
}

/** A fresh elaboration over `text` (nothing resolved yet). */
export function elaborationFor(text: string, o: ScriptOptions = {}): Elaboration {
  const { session, userFiles, libraryFiles } = parseScript(text, o);
  return newElaboration(session, testOptions(), userFiles, libraryFiles);
}
