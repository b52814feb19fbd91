/**
 * The names a parsed file declares, without its trees: what pass 2 needs to know of every
 * library file before it decides which ones to pull in (elaborate.cxx: `find_var` and
 * `find_functions` search the globals and functions of not-yet-chosen library files;
 * `register_library_aliases` binds every library alias name into the match tree; the overload
 * counter runs over every parsed function). Kept in the persistent library cache, so that a
 * restored library parses only the files pass 2 actually uses.
 */
import type { Literal, StapFile } from './staptree';

/** A probe-point component as the match tree keys it: functor, and the argument's kind if any. */
export type ComponentKey = [functor: string, arg: 'none' | 'string' | 'number'];

export interface FunctionSummary {
  /** Mangled without the overload suffix: `__global_f`, `__private_<detox(file)>f`. */
  name: string;
  unmangledName: string;
  arity: number;
  priority: number;
}

export interface GlobalSummary {
  /** Mangled: `__global_x`, `__private_<detox(file)>x`. */
  name: string;
  unmangledName: string;
}

export interface FileSummary {
  functions: FunctionSummary[];
  globals: GlobalSummary[];
  /** Each alias's names (one alias may have several: `probe a, b = …`). */
  aliases: ComponentKey[][][];
  /** Non-alias probes: derived whenever the file is pulled in. */
  probes: number;
  embeds: number;
}

function argKind(arg: Literal | undefined): ComponentKey[1] {
  if (!arg) return 'none';
  return arg.kind === 'literal_string' ? 'string' : 'number';
}

export function summarizeStapFile(f: StapFile): FileSummary {
  return {
    functions: f.functions.map((fn) => ({
      name: fn.name,
      unmangledName: fn.unmangledName,
      arity: fn.formalArgs.length,
      priority: fn.priority,
    })),
    globals: f.globals.map((g) => ({ name: g.name, unmangledName: g.unmangledName })),
    aliases: f.aliases.map((a) => a.aliasNames.map((pp) => pp.components.map((c): ComponentKey => [c.functor, argKind(c.arg)]))),
    probes: f.probes.length,
    embeds: f.embeds.length,
  };
}
