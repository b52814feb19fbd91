/**
 * The unoptimised (`-u`) twin of an analysis, for hover only: stap's optimiser removes unused
 * functions, locals and globals and empty probes before types are inferred (elaborate.cxx
 * `semantic_pass_optimize1` runs before `semantic_pass_types`), so their types exist only in a
 * `-u` run. It is the CLI's own run again (cli.ts `runCli`) with `-u` added to the editor's
 * command line, made on first need and kept with the analysis it belongs to (one per document
 * version). Its diagnostics are not used: what the editor reports stays the optimised run's.
 */
import type { StapFile } from '../ast/staptree';
import { nodeCliIo, runCli, type CliIo } from '../cli';
import { stapWiring, type Pass1Result } from '../passes/pass1';
import { EDITOR_FLAGS, overlayIo, type Analysis } from '../workspace/analysis';
import { settingsArgv } from '../workspace/settings';

const twins = new WeakMap<Analysis, Analysis | null>();

/** The `-u` run of the same text and settings (undefined when it could not run). */
export function unoptimisedAnalysis(analysis: Analysis, io: CliIo = nodeCliIo()): Analysis | undefined {
  const have = twins.get(analysis);
  if (have !== undefined) return have ?? undefined;
  let twin: Analysis | null = null;
  try {
    const s = analysis.settings;
    const argv = ['-p2', '-u', ...EDITOR_FLAGS, ...settingsArgv(s), analysis.path, ...s.scriptArguments];
    runCli(argv, overlayIo(analysis.path, analysis.bytes, io), stapWiring, 'stap-ls', {
      done: (run) => {
        const pass1 = run.pass1 as Pass1Result<StapFile, unknown>;
        twin = {
          path: analysis.path,
          version: analysis.version,
          bytes: analysis.bytes,
          settings: s,
          session: run.session,
          pass1,
          file: pass1.userFiles[0],
          elaboration: run.elaboration,
          diagnostics: [],
        };
      },
    });
  } catch {
    twin = null;
  }
  twins.set(analysis, twin);
  return twin ?? undefined;
}
