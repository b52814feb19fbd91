/**
 * `$value` in procfs probes (tapset-procfs.cxx `procfs_var_expanding_visitor`): the procfs
 * builder rewrites the target variable into calls of small embedded-C functions it synthesises,
 * one per use, private to the file the `$value` is written in:
 *   read probe:  `$value = E` → `_procfs_value_setN(E)`, `$value .= E` → `_procfs_value_appendN(E)`;
 *   write probe: a read of `$value` → `_procfs_value_getN()`.
 * N counts uses across the session (the optimiser's duplicate-function merge folds the copies).
 * The first use also adds the runtime header as a global embed. Misuses are reported with
 * stap's messages.
 *
 * The embedded C text is what stap 4.8 emits for these functions (it shows in `-p2 -v` dumps).
 */
import { detoxPath, type EmbeddedCode, type Expression, type StapFile, type Statement, type TargetSymbol } from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import { libraryViewOf } from './library-view';
import { reportError, SemanticError, type Elaboration, type ElabFunction, type ElabVar } from './model';

const DATA = 'struct _stp_procfs_data *data = (struct _stp_procfs_data *)(CONTEXT->ips.procfs_data);';

const CODE = {
  set:
    `${DATA}\n    strlcpy(data->buffer, STAP_ARG_value, data->bufsize);\n` +
    '    if (strlen(STAP_ARG_value) > data->bufsize-1)\n' +
    '      STAP_ERROR("buffer size exceeded, consider .maxsize(%lu).", (unsigned long)(strlen(STAP_ARG_value) + 1));\n' +
    '    data->count = strlen(data->buffer);\n',
  append:
    `${DATA}\n    strlcat(data->buffer, STAP_ARG_value, data->bufsize);\n` +
    '    if (data->count + strlen(STAP_ARG_value) > data->bufsize-1)\n' +
    '      STAP_ERROR("buffer size exceeded, consider .maxsize(%lu).", (unsigned long)(data->count + strlen(STAP_ARG_value) + 1));\n' +
    '    data->count = strlen(data->buffer);\n',
  get:
    `    ${DATA} /* pure */ /* stable */\n` +
    '    if (!_stp_copy_from_user(STAP_RETVALUE, data->buffer, data->count))\n' +
    "      STAP_RETVALUE[data->count] = '\\0';\n" +
    '    else\n' +
    "      STAP_RETVALUE[0] = '\\0';\n",
};

const HEADER_EMBED = '#include "procfs-probes.h"';

const counters = new WeakMap<Elaboration, number>();
/** The header embed a run needs, added once symbol resolution has gone through every file. */
const pendingHeader = new WeakMap<Elaboration, { code: string; tok: Token; file: StapFile }>();

/**
 * Appends the procfs header embed if a `$value` was expanded. stap adds it after the embeds of
 * every file symbol resolution pulled in (checked: a user procfs probe using `$value` and a call
 * into errno.stp print errno.stp's embed first), so semantic_pass_symbols calls this at its end.
 */
export function flushProcfsHeader(e: Elaboration): void {
  const header = pendingHeader.get(e);
  if (!header) return;
  pendingHeader.delete(e);
  if (!e.embeds.some((x) => x.code === HEADER_EMBED)) e.embeds.push(header);
}

function fileOf(e: Elaboration, tok: Token): StapFile | undefined {
  const src = tok.location.file;
  return e.userFiles.find((f) => f.file === src) ?? libraryViewOf(e.library, src)?.stapfile;
}

/** A synthetic `_procfs_value_<kind>N` function, registered in the session. */
function synthesise(e: Elaboration, kind: keyof typeof CODE, tok: Token): ElabFunction | undefined {
  const file = fileOf(e, tok);
  if (!file) return undefined;
  const n = (counters.get(e) ?? 0) + 1;
  counters.set(e, n);
  const name = `__private_${detoxPath(tok.location.file.name)}_procfs_value_${kind}${n}`;
  const formalArgs: ElabVar[] =
    kind === 'get'
      ? []
      : [{ kind: 'vardecl', tok, name: 'value', unmangledName: 'value', maxsize: 0, wrap: false, type: 'string', arity: 0, isPrivate: false }];
  const body: EmbeddedCode = { kind: 'embeddedcode', tok, code: CODE[kind] };
  const fn: ElabFunction = {
    kind: 'functiondecl',
    tok,
    name,
    unmangledName: name,
    formalArgs,
    body,
    type: 'string',
    priority: 1,
    isPrivate: true,
    privileged: true,
    mangled: name,
    file,
    locals: [],
  };
  e.functions.set(name, fn);
  if (!pendingHeader.has(e)) pendingHeader.set(e, { code: HEADER_EMBED, tok, file });
  return fn;
}

function call(fn: ElabFunction, tok: Token, args: Expression[]): Expression {
  return Object.assign({ kind: 'functioncall' as const, tok, function: fn.mangled, args }, { referents: [fn] });
}

function isValue(x: unknown): x is TargetSymbol {
  const t = x as TargetSymbol;
  return typeof x === 'object' && x !== null && t.kind === 'target_symbol' && !t.addressof && t.components.length === 0;
}

/**
 * Rewrites `$value` in the body of a procfs probe at `loc` (its components tell read from write).
 * Errors are reported on `e`; the offending node is left as it is.
 */
export function expandProcfsValue(e: Elaboration, body: Statement, isRead: boolean): void {
  const fail = (message: string, tok: Token) => reportError(e, new SemanticError(message, tok, undefined, `procfs_var_expanding_visitor:${message}`));
  const visit = (holder: Record<string | number, unknown>, key: string | number): void => {
    const v = holder[key] as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null) return;
    const kind = v.kind as string | undefined;
    if (kind === 'assignment' && isValue(v.left)) {
      const target = v.left as TargetSymbol;
      visit(v, 'right');
      if (target.name !== '$value') return fail('invalid target symbol for procfs probe, $value expected', target.tok);
      if (!isRead) return fail('procfs $value variable is read-only in a procfs write probe', target.tok);
      const op = v.op as string;
      if (op !== '=' && op !== '.=') {
        return fail("Only the following assign operators are implemented on procfs read target variables: '=', '.='", target.tok);
      }
      const fn = synthesise(e, op === '=' ? 'set' : 'append', target.tok);
      if (fn) holder[key] = call(fn, target.tok, [v.right as Expression]);
      return;
    }
    if ((kind === 'pre_crement' || kind === 'post_crement') && isValue(v.operand)) {
      const target = v.operand as TargetSymbol;
      if (target.name !== '$value') return fail('invalid target symbol for procfs probe, $value expected', target.tok);
      if (!isRead) return fail('procfs $value variable is read-only in a procfs write probe', target.tok);
      return fail("Only the following assign operators are implemented on procfs read target variables: '=', '.='", target.tok);
    }
    if (isValue(v)) {
      const target = v as unknown as TargetSymbol;
      if (target.name !== '$value') return fail('invalid target symbol for procfs probe, $value expected', target.tok);
      if (isRead) return fail('procfs $value variable cannot be read in a procfs read probe', target.tok);
      const fn = synthesise(e, 'get', target.tok);
      if (fn) holder[key] = call(fn, target.tok, []);
      return;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      if (k === 'tok' || k === 'referent' || k === 'referents' || typeof x !== 'object') continue;
      visit(v as Record<string | number, unknown>, k);
    }
  };
  visit({ body }, 'body');
}

/**
 * tapset-procfs.cxx `procfs_derived_probe_group::enroll`: one read probe per procfs file
 * (`procfs.read` is the file `command`). stap enrolls the probes at the end of pass 2, after the
 * other steps and whatever they reported, and stops at the first clash.
 */
export function checkProcfsPaths(e: Elaboration): void {
  const readers = new Set<string>();
  for (const dp of e.probes) {
    if (dp.family !== 'procfs' || !dp.location.components.some((c) => c.functor === 'read')) continue;
    const arg = dp.location.components[0].arg;
    const path = arg?.kind === 'literal_string' ? arg.value : 'command';
    if (readers.has(path)) {
      reportError(
        e,
        new SemanticError(`only one read procfs probe can exist for procfs path "${path}"`, undefined, undefined, 'procfs_derived_probe_group::enroll'),
      );
      return;
    }
    readers.add(path);
  }
}
