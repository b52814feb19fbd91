/**
 * Hover: what the passes know about the thing under the cursor, as Markdown. No stap routine is
 * mirrored; the facts are pass 2's (elaborate.cxx `semantic_pass_types` types, `derive_probes`
 * alias chains, the `-p2` dump's notation) and pass 1's (macros, documentation comments):
 *
 * - a variable (global, local, parameter) or array: its inferred type, `x: long`,
 *   `counts: stats [string, long]` (value type, then the index types);
 * - a function (declaration or call): `fmt: (x: long, s: string) -> string`, with its
 *   documentation comment when it has one (the tapsets' kernel-doc blocks, tapset-docs.ts);
 * - a probe point: the alias chain each derived probe went through down to the resolved point,
 *   and the variables the aliases define, with their types, plus the alias's documentation;
 * - a macro invocation `@name`: its definition (the body as written, in the document or a
 *   `.stpm`), what its parameters stand for, and its documentation.
 *
 * Types are those of the editor's analysis (optimised, as `stap -p2`). Where the optimiser
 * removed the code (an unused function, local or global, an empty probe), the same position is
 * looked up in an unoptimised (`-u`) run of the same text (hover-unoptimised.ts), made on demand
 * once per analysis; diagnostics never come from that run. When neither knows a type, the
 * declared one is shown, or none: never a guess.
 */
import type { Expression, FunctionDecl, ProbeAlias, VarDecl } from '../ast/staptree';
import { walk } from '../ast/walk';
import { printProbeAliasSig, printProbePoint } from '../dump/p1';
import type { Annotated, DerivedProbe, ElabFunction, ElabVar, ProbeOrigin } from '../elaborate/model';
import type { MacroDefinition } from '../passes/parse/macros';
import type { SourceFile, Token } from '../passes/parse/token';
import type { Analysis, Position, Range } from '../workspace/analysis';
import { unoptimisedAnalysis } from './hover-unoptimised';
import { documentTokens, locate, type DeclHit, type Located, type NodeHit, type Owner } from './locate';
import { docComment, docMarkdown, type DocKind } from './tapset-docs';

export interface HoverInfo {
  range: Range;
  /** The lines of the code block: type signatures (`x: long`), alias chains, a macro's definition. */
  signatures: string[];
  /** The whole hover text. */
  markdown: string;
}

/** A hover being built; `incomplete` when the optimiser hid a type the `-u` run may know. */
interface Draft {
  signatures: string[];
  /** Markdown after the code block. */
  notes: string[];
  incomplete?: boolean;
  /** The language of the code block (`stap` for all but plain text). */
}

/** How many derived probes a probe-point hover describes. */
const MAX_DERIVED = 6;
/** How many alias variables it lists. */
const MAX_VARIABLES = 40;

/** The hover at `pos`, or undefined when there is nothing to say. */
export function hover(analysis: Analysis, pos: Position, unoptimised: (a: Analysis) => Analysis | undefined = unoptimisedAnalysis): HoverInfo | undefined {
  const loc = locate(analysis, pos);
  if (!loc) return undefined;
  let draft = describe(analysis, loc);
  if (!draft ? loc.token.type === 'identifier' && insideCode(loc) : draft.incomplete) {
    const u = unoptimised(analysis);
    const uloc = u && locate(u, pos);
    const better = u && uloc ? describe(u, uloc) : undefined;
    if (better && (!draft || !better.incomplete)) draft = better;
  }
  if (!draft && loc.token.type === 'operator' && loc.token.content.startsWith('@')) draft = macroHover(analysis, loc.token);
  if (!draft || draft.signatures.length + draft.notes.length === 0) return undefined;
  return { range: loc.range, signatures: draft.signatures, markdown: render(draft) };
}

function render(d: Draft): string {
  const parts: string[] = [];
  if (d.signatures.length > 0) parts.push(['```stap', ...d.signatures, '```'].join('\n'));
  parts.push(...d.notes.filter((n) => n !== ''));
  return parts.join('\n\n');
}

/** Whether the cursor's identifier could be code pass 2 dropped (not a probe point or a name). */
function insideCode(loc: Located): boolean {
  return loc.decls.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Notation

/** The type as the `-p2` dump prints it (`unknown` when pass 2 did not infer one). */
function typeName(t: string | undefined): string {
  return t ?? 'unknown';
}

/** `name: type` or, for an array, `name: type [i1, i2]`. */
export function varSignature(name: string, v: VarDecl): string {
  const ev = v as ElabVar;
  let o = `${name}: ${typeName(v.type)}`;
  if (v.arity > 0) {
    const idx: string[] = [];
    for (let i = 0; i < v.arity; i++) idx.push(typeName(ev.indexTypes?.[i]));
    o += ` [${idx.join(', ')}]`;
  }
  return o;
}

/** `name: (a: long, b: string) -> type`. */
export function functionSignature(f: FunctionDecl | ElabFunction): string {
  return `${f.unmangledName}: (${f.formalArgs.map((a) => varSignature(a.unmangledName || a.name, a)).join(', ')}) -> ${typeName(f.type)}`;
}

// ---------------------------------------------------------------------------------------------
// What is at the cursor

function describe(a: Analysis, loc: Located): Draft | undefined {
  for (const d of loc.decls) {
    const draft = d.kind === 'local' ? undefined : describeDecl(a, d);
    if (draft) return draft;
  }
  const node = bestNode(loc.nodes);
  if (!node) {
    // Code the optimiser removed, whose locals pass 2 still declares (and typed).
    const locals = loc.decls.filter((d): d is Extract<DeclHit, { kind: 'local' }> => d.kind === 'local');
    return locals.length > 0 ? localsHover(locals) : undefined;
  }
  const n = node.node as Annotated<Expression>;
  if (n.kind === 'functioncall') return functionHover(a, uniqueFunctions(loc.nodes, n.function));
  if (n.kind === 'symbol' && n.referent) return variableHover(a, loc.nodes, n.name);
  if (n.kind === 'target_symbol' || n.kind === 'atvar_op' || n.kind === 'cast_op' || n.kind === 'entry_op' || n.kind === 'perf_op') {
    const types = unique(loc.nodes.filter((h) => h.node.kind === n.kind).map((h) => typeName((h.node as Annotated).type)));
    const name = n.kind === 'target_symbol' ? n.name : n.tok.content;
    return { signatures: types.map((t) => `${name}: ${t}`), notes: [] };
  }
  return undefined;
}

/** The node a hover is about, among those sharing the cursor's token. */
function bestNode(nodes: NodeHit[]): NodeHit | undefined {
  const rank = (h: NodeHit): number => {
    const n = h.node as Annotated<Expression>;
    switch (n.kind) {
      case 'functioncall':
        return 0;
      case 'symbol':
        // A call opt7 cached in a synthetic local is the call, not that local.
        return n.referent && !(n.referent.synthetic || n.referent.name.startsWith('__stable_')) ? 1 : 9;
      case 'target_symbol':
      case 'atvar_op':
      case 'cast_op':
      case 'entry_op':
      case 'perf_op':
        return 2;
      default:
        return 9;
    }
  };
  let best: NodeHit | undefined;
  for (const h of nodes) if (rank(h) < 9 && (!best || rank(h) < rank(best))) best = h;
  return best;
}

function describeDecl(a: Analysis, d: DeclHit): Draft | undefined {
  switch (d.kind) {
    case 'global': {
      const name = d.decl.unmangledName;
      if (d.elab) return { signatures: [varSignature(name, d.elab)], notes: [`global${d.decl.isPrivate ? ' (private)' : ''}`] };
      // Pass 2 dropped it (unused): what the declaration itself says.
      const known = d.decl.init !== undefined;
      return { signatures: known ? [varSignature(name, d.decl)] : [], notes: [`global \`${name}\`${known ? '' : ', not used: no type inferred'}`], incomplete: true };
    }
    case 'function': {
      if (d.elab) return functionHover(a, [d.elab]);
      const draft = functionHover(a, [d.decl as unknown as ElabFunction]);
      if (draft) {
        draft.signatures = [declaredSignature(d.decl)];
        draft.notes.push('not used: pass 2 removed it, types are only those declared');
        draft.incomplete = true;
      }
      return draft;
    }
    case 'param': {
      const name = d.decl.unmangledName || d.decl.name;
      if (d.elab) return { signatures: [varSignature(name, d.elab)], notes: [`parameter of \`${d.fn.unmangledName}\``] };
      const declared = d.decl.type !== 'unknown';
      return { signatures: declared ? [varSignature(name, d.decl)] : [], notes: [`parameter of \`${d.fn.unmangledName}\``], incomplete: true };
    }
    case 'probe-point':
      if (d.alias) return aliasHover(a, d.of as ProbeAlias, d.alias);
      return probePointHover(a, d.derived, d.point.components.map((c) => c.functor).join('.'));
  }
  return undefined;
}

/** A function without pass 2's types: declared types only, `unknown` elsewhere. */
function declaredSignature(f: FunctionDecl): string {
  const t = (x: string) => (x === 'unknown' ? '?' : x);
  return `${f.unmangledName}: (${f.formalArgs.map((p) => `${p.unmangledName || p.name}: ${t(p.type)}`).join(', ')}) -> ${t(f.type)}`;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function uniqueFunctions(nodes: NodeHit[], name: string): ElabFunction[] {
  const out: ElabFunction[] = [];
  for (const h of nodes) {
    const n = h.node as Annotated<Expression>;
    if (n.kind !== 'functioncall' || n.function !== name) continue;
    for (const f of n.referents ?? []) if (!out.includes(f)) out.push(f);
  }
  return out;
}

function functionHover(a: Analysis, fns: ElabFunction[]): Draft | undefined {
  if (fns.length === 0) return undefined;
  const signatures = unique(fns.map(functionSignature));
  const notes: string[] = [];
  const f = fns[0];
  const doc = docOf(f.tok.location.file, 'function', f.unmangledName, declLine(f));
  if (doc) notes.push(doc);
  if (f.tok.location.file.name !== a.path) notes.push(`defined in \`${f.tok.location.file.name}:${f.tok.location.line}\``);
  if (fns.length > 1) notes.push(`${fns.length} overloads`);
  return { signatures, notes };
}

/** The line a function's documentation is above: its `function` keyword's, normally the name's. */
function declLine(f: { tok: Token }): number {
  return f.tok.location.line;
}

function docOf(file: SourceFile, kind: DocKind, name: string, line: number): string | undefined {
  const doc = docComment(file, kind, name, line);
  const md = doc && docMarkdown(doc);
  return md || undefined;
}

function ownerText(o: Owner): string {
  return o.kind === 'function' ? `function \`${o.fn.unmangledName}\`` : `probe \`${printProbePoint(o.probe.location)}\``;
}

/** A variable under the cursor: its type in each elaborated copy (they may differ per probe). */
function variableHover(a: Analysis, nodes: NodeHit[], name: string): Draft {
  const seen = new Map<string, Owner[]>();
  let role = '';
  for (const h of nodes) {
    const n = h.node as Annotated<Expression>;
    if (n.kind !== 'symbol' || n.name !== name || !n.referent) continue;
    const v = n.referent;
    const sig = varSignature(v.unmangledName || v.name, v);
    const list = seen.get(sig);
    if (list) list.push(h.owner);
    else seen.set(sig, [h.owner]);
    const isGlobal = a.elaboration?.globals.includes(v) ?? false;
    const isParam = h.owner.kind === 'function' && h.owner.fn.formalArgs.includes(v);
    role ||= isGlobal ? 'global' : isParam ? `parameter of \`${(h.owner as { fn: ElabFunction }).fn.unmangledName}\`` : `local of ${ownerText(h.owner)}`;
  }
  const signatures = [...seen.keys()];
  const notes = [role];
  if (signatures.length > 1) {
    notes.push(signatures.map((s) => `\`${s}\` in ${unique(seen.get(s)!.map(ownerText)).join(', ')}`).join('  \n'));
  }
  return { signatures, notes };
}

/** Locals declared at the cursor (one per derived probe or function copy). */
function localsHover(locals: Extract<DeclHit, { kind: 'local' }>[]): Draft {
  const sigs = new Map<string, Owner[]>();
  for (const l of locals) {
    const sig = varSignature(l.decl.unmangledName || l.decl.name, l.decl);
    sigs.set(sig, [...(sigs.get(sig) ?? []), l.owner]);
  }
  const notes = [`local of ${unique(locals.map((l) => ownerText(l.owner))).join(', ')}`];
  return { signatures: [...sigs.keys()], notes };
}

// ---------------------------------------------------------------------------------------------
// Probe points and aliases

/** The alias levels of a derived probe, outermost (the one the user named) first. */
function aliasChain(o: ProbeOrigin): ProbeAlias[] {
  const out: ProbeAlias[] = [];
  for (let cur = o; cur.kind === 'alias'; cur = cur.base) out.unshift(cur.alias);
  return out;
}

/** Names assigned in an alias's bodies (the variables it defines for its users), in order. */
function aliasVariables(alias: ProbeAlias): string[] {
  const names: string[] = [];
  const visit = (body: ProbeAlias['body'] | undefined) => {
    if (!body) return;
    walk(body, (n) => {
      if (n.kind === 'assignment' && n.left.kind === 'symbol' && !names.includes(n.left.name)) names.push(n.left.name);
    });
  };
  visit(alias.body);
  visit(alias.body2);
  return names;
}

function probePointHover(a: Analysis, derived: DerivedProbe[], written: string): Draft {
  const signatures: string[] = [];
  const notes: string[] = [];
  let incomplete = derived.length === 0;
  const variables = new Map<string, string | undefined>();
  let firstAlias: ProbeAlias | undefined;
  derived.slice(0, MAX_DERIVED).forEach((dp, i) => {
    if (i > 0) signatures.push('');
    const chain = aliasChain(dp.origin);
    firstAlias ??= chain[0];
    for (const al of chain) signatures.push(printProbeAliasSig(al));
    signatures.push(`${chain.length > 0 ? '→ ' : ''}${printProbePoint(dp.location)}${dp.sigSuffix}`);
    for (const al of chain) {
      for (const name of aliasVariables(al)) {
        if (variables.size >= MAX_VARIABLES && !variables.has(name)) continue;
        const local = dp.locals.find((l) => (l.unmangledName || l.name) === name);
        if (!variables.get(name)) variables.set(name, local ? varSignature(name, local) : undefined);
      }
    }
  });
  if (derived.length > MAX_DERIVED) notes.push(`… and ${derived.length - MAX_DERIVED} more probes (${derived.length} in all)`);
  if (derived.length === 0) notes.push(`probe point \`${written}\`: no probe derived here`);
  else if (!firstAlias) notes.push(`probe point \`${written}\` (${derived[0].family})`);
  if (variables.size > 0) {
    const known = [...variables.entries()];
    if (known.some(([, s]) => s === undefined)) incomplete = true;
    notes.push(['**Variables** (defined by the alias):', '```stap', ...known.map(([n, s]) => s ?? `${n}: unknown`), '```'].join('\n'));
  }
  if (firstAlias) {
    const name = firstAlias.aliasNames.map((p) => p.components.map((c) => c.functor).join('.'));
    const doc = docOf(firstAlias.tok.location.file, 'probe', name.find((n) => n === written) ?? name[0], firstAlias.tok.location.line);
    if (doc) notes.push(doc);
    if (firstAlias.tok.location.file.name !== a.path) notes.push(`alias defined in \`${firstAlias.tok.location.file.name}:${firstAlias.tok.location.line}\``);
  }
  return { signatures, notes, incomplete };
}

/** Hover on an alias's own name (or one of its locations) where it is defined. */
function aliasHover(a: Analysis, alias: ProbeAlias, where: 'name' | 'location'): Draft {
  const users = (a.elaboration?.probes ?? []).filter((dp) => aliasChain(dp.origin).includes(alias));
  const signatures = [printProbeAliasSig(alias)];
  const vars = aliasVariables(alias);
  const notes: string[] = [];
  let incomplete = false;
  if (where === 'name' && vars.length > 0) {
    const lines = vars.slice(0, MAX_VARIABLES).map((n) => {
      const types = unique(users.flatMap((dp) => dp.locals.filter((l) => (l.unmangledName || l.name) === n).map((l) => varSignature(n, l))));
      if (types.length === 0) incomplete = true;
      return types.length > 0 ? types.join(' | ') : `${n}: unknown`;
    });
    notes.push(['**Variables** (defined by the alias):', '```stap', ...lines, '```'].join('\n'));
  }
  if (users.length === 0) notes.push('not used by any probe');
  return { signatures, notes, incomplete: incomplete && users.length > 0 ? true : incomplete };
}

// ---------------------------------------------------------------------------------------------
// Macros

/** Built-in `@` operators: not macros. */
const AT_OPERATORS = new Set([
  'cast', 'defined', 'probewrite', 'entry', 'perf', 'var', 'avg', 'count', 'sum', 'min', 'max', 'hist_linear', 'hist_log',
  'const', 'variance', 'kregister', 'uregister', 'kderef', 'uderef', 'define',
]);

function macroHover(a: Analysis, tok: Token): Draft | undefined {
  const name = tok.content.slice(1);
  if (AT_OPERATORS.has(name) || /^\d+$/.test(name)) return undefined;
  const own = documentMacros(a).get(name);
  const lib = (a.pass1?.library.macros as Map<string, MacroDefinition> | undefined)?.get(name);
  const def = own ?? lib;
  if (!def) return undefined;
  const head = `@define ${def.name}${def.params.length > 0 ? `(${def.params.join(', ')})` : ''}`;
  const body = sourceBetween(def.file, def.body);
  const signatures = [`${head} %(`, ...body.split('\n').map((l) => `  ${l.trim()}`).filter((l) => l.trim() !== ''), '%)'];
  const notes: string[] = [];
  const args = invocationArguments(a, tok);
  if (def.params.length > 0 && args) {
    notes.push(def.params.map((p, i) => `- \`@${p}\` = \`${args[i] ?? ''}\``).join('\n'));
  }
  const doc = docOf(def.file, 'macro', def.name, lineOfDefine(def));
  if (doc) notes.push(doc);
  if (def.file.name !== a.path) notes.push(`macro defined in \`${def.file.name}:${def.token.location.line}\``);
  return { signatures, notes };
}

/** The `@define` line (the name's line; the keyword is on it in practice). */
function lineOfDefine(def: MacroDefinition): number {
  return def.token.location.line;
}

/** The source text from the first to the last of `tokens` (as written, comments included). */
function sourceBetween(file: SourceFile, tokens: Token[]): string {
  if (tokens.length === 0) return '';
  const starts = lineStarts(file.text);
  const first = tokens[0].location;
  const last = tokens[tokens.length - 1];
  const from = starts[first.line - 1] + first.column - 1;
  const width = last.type === 'string' ? last.content.length + 2 : last.type === 'embedded-code' ? last.content.length + 4 : last.content.length;
  const to = starts[last.location.line - 1] + last.location.column - 1 + width;
  return Buffer.from(file.text.slice(from, to), 'latin1').toString('utf8');
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

const docMacros = new WeakMap<Analysis, Map<string, MacroDefinition>>();

/** The `@define`s of the document (the first definition of a name wins, as in stap). */
function documentMacros(a: Analysis): Map<string, MacroDefinition> {
  let m = docMacros.get(a);
  if (m) return m;
  m = new Map();
  docMacros.set(a, m);
  const tokens = documentTokens(a);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].content !== '@define' || tokens[i].type !== 'operator') continue;
    const nameTok = tokens[i + 1];
    if (!nameTok || nameTok.type !== 'identifier') continue;
    let j = i + 2;
    const params: string[] = [];
    if (tokens[j]?.content === '(') {
      for (j++; j < tokens.length && tokens[j].content !== ')'; j++) if (tokens[j].type === 'identifier') params.push(tokens[j].content);
      j++;
    }
    if (tokens[j]?.content !== '%(') continue;
    let depth = 1;
    const body: Token[] = [];
    for (j++; j < tokens.length; j++) {
      const c = tokens[j].type === 'operator' ? tokens[j].content : '';
      if (c === '%(') depth++;
      if (c === '%)' && --depth === 0) break;
      body.push(tokens[j]);
    }
    if (!m.has(nameTok.content)) m.set(nameTok.content, { name: nameTok.content, params, body, token: nameTok, file: nameTok.location.file });
    i = j;
  }
  return m;
}

/** The arguments written after an invocation `@name(a, b)`, as text, or undefined. */
function invocationArguments(a: Analysis, tok: Token): string[] | undefined {
  const tokens = documentTokens(a);
  const i = tokens.findIndex((t) => t.location.line === tok.location.line && t.location.column === tok.location.column);
  if (i < 0 || tokens[i + 1]?.content !== '(') return undefined;
  const args: Token[][] = [[]];
  let depth = 0;
  for (let j = i + 2; j < tokens.length; j++) {
    const c = tokens[j].type === 'operator' ? tokens[j].content : '';
    if ((c === ')' || c === ']') && depth === 0) {
      if (c === ')') break;
    }
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(tokens[j]);
  }
  return args.map((ts) => sourceBetween(tok.location.file, ts));
}
