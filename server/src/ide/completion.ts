/**
 * Completion: what may be written at the cursor, from the text around it (text-context.ts: the
 * line being typed rarely parses) and the analyses (the newest for the tapset library, the last
 * one that parsed for types). By position:
 *
 * - in a probe header, the next probe-point component (probe-point-tree.ts: built-in families
 *   and tapset/user aliases; `kernel.` offers `function(`, `trace(`, …);
 * - in a body, the locals and parameters, the variables the probe's aliases set (their bodies
 *   followed down the alias chain, as stap prepends them: elaborate.cxx
 *   `alias_expansion_builder`), globals, user and tapset functions, the print family, the
 *   statement keywords; after `@` the `@` operators and macros (library `.stpm` and this file's);
 *   after `$` the context-variable groups;
 * - in a `%(` condition, the preprocessor's names; at the top level, the declaration keywords.
 *
 * Tapset functions are listed from the library's file summaries (no tapset is parsed to list
 * them); their signatures and documentation come with `resolveCompletion`, which parses the one
 * file. Plain data only: the LSP layer converts.
 */
import { walk } from '../ast/walk';
import type { Expression, ExpType, FunctionDecl, ProbeAlias, StapFile } from '../ast/staptree';
import { viewsOfLoadedFiles, type LibraryFileView } from '../elaborate/library-view';
import type { DerivedProbe, ElabVar, ProbeOrigin } from '../elaborate/model';
import type { MacroDefinition } from '../passes/parse/macros';
import type { Analysis, Position, Range } from '../workspace/analysis';
import { LineIndex } from '../workspace/analysis';
import {
  aliasesOfPoint,
  libraryPointTree,
  nextComponents,
  withUserAliases,
  type AliasRef,
  type PointEdge,
  type PointNode,
} from './probe-point-tree';
import { functionSignature, varSignature } from './hover';
import { docComment, docMarkdown } from './tapset-docs';
import {
  declarations,
  KEYWORDS,
  prevCode,
  probePoints,
  scanText,
  type Decl,
  type Tok,
} from './text-context';

export type ItemKind = 'function' | 'variable' | 'keyword' | 'macro' | 'operator' | 'module' | 'event' | 'field' | 'constant' | 'type';

export interface CompletionItem {
  label: string;
  kind: ItemKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What replaces the edit range (the label when absent). */
  insertText?: string;
  /** `insertText` is a snippet (`$1` tab stops). */
  snippet?: boolean;
  filterText?: string;
  sortText?: string;
  /** What {@link resolveCompletion} looks up for the detail and documentation. */
  data?: ResolveData;
}

export type ResolveData =
  | { kind: 'tapset-function'; name: string; files: string[] }
  | { kind: 'alias'; file: string; index: number; name: string };

export interface CompletionResult {
  /** The text the items replace: the word being typed up to the cursor. */
  range: Range;
  items: CompletionItem[];
}

export interface CompletionInput {
  /** The document's current text as the passes read it (latin1 of UTF-8). */
  bytes: string;
  position: Position;
  /** The newest analysis of the document (for the library and session); any version. */
  analysis?: Analysis;
  /** The newest analysis whose text parsed (for types and the file's aliases). */
  parsed?: Analysis;
}

/** Where the cursor is, and what is around it. */
interface Site {
  bytes: string;
  toks: Tok[];
  decls: Decl[];
  /** Tokens before the word being typed: `[0, k)`. */
  k: number;
  /** The word being typed (up to the cursor), and where it starts. */
  partial: string;
  partialStart: number;
  offset: number;
  decl?: Decl;
}

const SORT = { local: '0', param: '0', aliasVar: '1', global: '2', userFunction: '3', builtin: '4', tapset: '5', keyword: '6' };

export function complete(input: CompletionInput): CompletionResult {
  const { bytes } = input;
  const lines = new LineIndex(bytes);
  const offset = lines.offset(input.position);
  const site = siteAt(bytes, offset);
  const range = { start: positionOf(lines, bytes, site?.partialStart ?? offset), end: input.position };
  if (!site) return { range, items: [] };
  const items = itemsAt(site, input);
  return { range, items: filterItems(items, site.partial) };
}

function positionOf(lines: LineIndex, bytes: string, offset: number): Position {
  const lineStart = bytes.lastIndexOf('\n', offset - 1) + 1;
  let line = 0;
  for (let i = bytes.indexOf('\n'); i >= 0 && i < lineStart; i = bytes.indexOf('\n', i + 1)) line++;
  return lines.position(line, offset - lineStart);
}

/** The site of the cursor, or undefined inside a comment, string or embedded-C block. */
function siteAt(bytes: string, offset: number): Site | undefined {
  const toks = scanText(bytes);
  let k = 0;
  while (k < toks.length && toks[k].start < offset) k++;
  const last = k > 0 ? toks[k - 1] : undefined;
  let partial = '';
  let partialStart = offset;
  if (last && last.end >= offset) {
    if (last.kind === 'comment' || last.kind === 'string' || last.kind === 'embedded') {
      // Inside it, unless the cursor is right after a closed one.
      const closedHere = last.end === offset && !last.open && last.kind !== 'comment';
      if (!closedHere) return undefined;
    } else if (last.kind === 'ident' || last.kind === 'at' || last.kind === 'target' || last.kind === 'number') {
      partial = bytes.slice(last.start, offset);
      partialStart = last.start;
      k--;
    }
  }
  const decls = declarations(toks);
  let decl: Decl | undefined;
  for (const d of decls) if (d.first < k) decl = d;
  if (decl && decl.end < k) decl = undefined;
  return { bytes, toks, decls, k, partial, partialStart, offset, decl };
}

function itemsAt(site: Site, input: CompletionInput): CompletionItem[] {
  const { toks, k, decl, partial } = site;
  if (inPreprocessorCondition(toks, k)) return preprocessorItems();
  const prev = prevCode(toks, k);
  if (!decl || decl.kind === 'other' || decl.kind === 'define' || (decl.bodyClose !== undefined && decl.bodyClose < k && decl.kind !== 'alias')) {
    return topLevelItems(site, input);
  }
  if (decl.kind === 'global') {
    if (prev && (prev.text === 'global' || prev.text === 'private' || prev.text === ',' || prev.text === '=' || prev.text === '[')) return [];
    return topLevelItems(site, input);
  }
  const inBody = decl.bodyOpen !== undefined && decl.bodyOpen < k && (decl.bodyClose === undefined || decl.bodyClose >= k);
  if (!inBody) {
    if (decl.bodyClose !== undefined && decl.bodyClose < k) return topLevelItems(site, input);
    if (decl.kind === 'function') {
      return prev?.text === ':' ? ['long', 'string'].map((t) => ({ label: t, kind: 'type' as const })) : [];
    }
    return headerItems(site, input, decl);
  }
  if (partial.startsWith('@')) return atItems(site, input);
  if (partial.startsWith('$')) return decl.kind === 'function' ? [] : targetItems();
  if (prev?.text === '->') return [];
  return bodyItems(site, input, decl);
}

/** Inside `%( … %?`: the cursor follows an unanswered `%(`. */
function inPreprocessorCondition(toks: readonly Tok[], k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const t = toks[i];
    if (t.kind !== 'pp') continue;
    return t.text === '%(';
  }
  return false;
}

function preprocessorItems(): CompletionItem[] {
  const words: [string, string][] = [
    ['kernel_v', 'the kernel version without the release suffix'],
    ['kernel_vr', 'the kernel version with the release suffix'],
    ['arch', 'the target architecture'],
    ['runtime', 'the runtime (kernel, dyninst, bpf)'],
    ['systemtap_v', 'the --compatible version'],
    ['systemtap_privilege', 'stapusr, stapsys or stapdev'],
    ['guru_mode', '1 under -g'],
    ['CONFIG_', 'a kernel configuration option'],
  ];
  return [
    ...words.map(([label, detail]) => ({ label, kind: 'constant' as const, detail })),
    { label: '@defined', kind: 'operator', detail: '@defined(EXPR)' },
  ];
}

const TOP_KEYWORDS: [string, string, string][] = [
  ['probe', 'probe ${1:begin} {\n\t$0\n}', 'probe POINT { … }'],
  ['function', 'function ${1:name}($2) {\n\t$0\n}', 'function NAME(ARGS) { … }'],
  ['global', 'global ', 'global NAME'],
  ['private', 'private ', 'private function/global'],
];

function topLevelItems(site: Site, input: CompletionInput): CompletionItem[] {
  if (site.partial.startsWith('@')) {
    return [
      { label: '@define', kind: 'keyword', detail: '@define NAME(PARAMS) %( BODY %)', insertText: '@define ${1:name} %( $0 %)', snippet: true, sortText: '0' },
      ...macroItems(site, input),
    ];
  }
  return TOP_KEYWORDS.map(([label, insertText, detail]) => ({ label, kind: 'keyword' as const, detail, insertText, snippet: true }));
}

// ---------------------------------------------------------------------------------------------
// Probe points

function headerItems(site: Site, input: CompletionInput, decl: Decl): CompletionItem[] {
  const { toks, k, partial, partialStart } = site;
  // Inside parentheses: a component's argument or the `if (…)` condition.
  let depth = 0;
  for (let i = k - 1; i > decl.first; i--) {
    const t = toks[i];
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth === 0) {
        const before = prevCode(toks, i);
        return before?.text === 'if' ? expressionItems(site, input, decl) : [];
      }
      depth--;
    }
  }
  // The point being written starts after the last separator.
  let sep = decl.first;
  for (let i = k - 1; i > decl.first; i--) {
    const t = toks[i].text;
    if (t === ',' || t === '=' || t === '+=') {
      sep = i;
      break;
    }
  }
  const prev = prevCode(toks, k);
  const written = probePoints(toks, sep + 1, k)[0] ?? [];
  const afterDot = prev?.text === '.' && prev.end === partialStart;
  // `probe begin |`: a point is written; what follows is not a component.
  if (!afterDot && written.length > 0) return [];
  const tree = pointTree(input);
  if (!tree) return [];
  const names = afterDot ? written.map((c) => c.name) : [];
  return nextComponents(tree, names).flatMap(componentItems);
}

function pointTree(input: CompletionInput): PointNode | undefined {
  const views = libraryViews(input);
  if (!views) return undefined;
  return withUserAliases(libraryPointTree(views), input.parsed?.file?.aliases ?? input.analysis?.file?.aliases ?? []);
}

function libraryViews(input: CompletionInput): readonly LibraryFileView[] | undefined {
  const lib = input.analysis?.pass1?.library ?? input.parsed?.pass1?.library;
  return lib ? viewsOfLoadedFiles(lib.files) : undefined;
}

function componentItems(e: PointEdge): CompletionItem[] {
  const out: CompletionItem[] = [];
  const alias = e.aliases[0];
  const detail = alias
    ? `alias ${alias.name}${alias.view ? ` (${basename(alias.view.source.name)})` : ''}`
    : e.terminal
      ? e.example
      : `${e.functor}.… (${e.node.children.size} component${e.node.children.size === 1 ? '' : 's'} follow)`;
  const kind: ItemKind = e.terminal ? 'event' : 'module';
  const data: ResolveData | undefined = alias?.view ? { kind: 'alias', file: alias.view.source.name, index: alias.index, name: alias.name } : undefined;
  const hidden = e.functor.startsWith('_') ? 'z' : '';
  if (e.forms.has('none')) out.push({ label: e.functor, kind, detail, sortText: `${hidden}${e.functor}`, ...(data ? { data } : {}) });
  if (e.forms.has('string')) {
    out.push({ label: `${e.functor}(`, kind, detail: `${e.functor}("…")`, insertText: `${e.functor}("$1")`, snippet: true, filterText: e.functor, sortText: `${hidden}${e.functor}(` });
  }
  if (e.forms.has('number')) {
    out.push({ label: e.forms.has('string') ? `${e.functor}(N)` : `${e.functor}(`, kind, detail: `${e.functor}(N)`, insertText: `${e.functor}($1)`, snippet: true, filterText: e.functor, sortText: `${hidden}${e.functor}(N` });
  }
  return out;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// ---------------------------------------------------------------------------------------------
// Bodies

const STATEMENT_KEYWORDS = ['if', 'else', 'for', 'foreach', 'while', 'in', 'limit', 'return', 'delete', 'next', 'break', 'continue', 'try', 'catch'];

function bodyItems(site: Site, input: CompletionInput, decl: Decl): CompletionItem[] {
  return [
    ...expressionItems(site, input, decl),
    ...STATEMENT_KEYWORDS.map((label) => ({ label, kind: 'keyword' as const, sortText: `${SORT.keyword}${label}` })),
  ];
}

function expressionItems(site: Site, input: CompletionInput, decl: Decl): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };
  const globals = writtenGlobals(site);
  const functions = writtenFunctions(site);
  const types = declTypes(site, input, decl);
  // Parameters, then the locals of the body (every other name used in it).
  // What the probe's aliases set, before the body's names (the same name is theirs).
  if (decl.kind === 'probe' || decl.kind === 'alias') {
    for (const v of aliasVariables(site, input, decl)) {
      add({ label: v.name, kind: 'field', detail: `${v.name}: ${types.get(v.name) ?? v.type ?? 'unknown'} (from ${v.alias})`, ...(v.doc ? { documentation: v.doc } : {}), sortText: `${SORT.aliasVar}${v.name}` });
    }
  }
  if (decl.kind === 'function') {
    for (const p of functionParams(site.toks, decl)) add({ label: p, kind: 'variable', detail: `${p}: ${types.get(p) ?? 'unknown'} (parameter)`, sortText: `${SORT.param}${p}` });
  }
  for (const v of bodyNames(site, decl)) {
    if (globals.has(v) || functions.has(v)) continue;
    add({ label: v, kind: 'variable', detail: `${v}: ${types.get(v) ?? 'unknown'} (local)`, sortText: `${SORT.local}${v}` });
  }
  const globalTypes = new Map<string, ElabVar>();
  for (const g of input.parsed?.elaboration?.globals ?? []) if (g.file === input.parsed?.file) globalTypes.set(g.unmangledName, g);
  for (const g of globals) add({ label: g, kind: 'variable', detail: `global ${globalTypes.has(g) ? varSignature(g, globalTypes.get(g)!) : g}`, sortText: `${SORT.global}${g}` });
  for (const [name, header] of functions) {
    add({ label: name, kind: 'function', detail: userFunctionDetail(name, header, input), sortText: `${SORT.userFunction}${name}` });
  }
  for (const p of PRINT_FAMILY) add({ label: p.name, kind: 'function', detail: p.signature, documentation: p.doc, sortText: `${SORT.builtin}${p.name}` });
  for (const item of tapsetFunctionItems(input)) add(item);
  return items;
}

/** The globals the text declares (`global a, b[10], c = 1`, `private global d`). */
function writtenGlobals(site: Site): Set<string> {
  const out = new Set<string>();
  const { toks } = site;
  for (const d of site.decls) {
    if (d.kind !== 'global') continue;
    let depth = 0;
    let expectName = false;
    for (let i = d.first; i < Math.min(d.end, toks.length); i++) {
      const t = toks[i];
      if (t.kind === 'comment') continue;
      if (t.text === 'global' || (t.text === ',' && depth === 0)) {
        expectName = true;
        continue;
      }
      if (t.text === '[' || t.text === '(') depth++;
      else if (t.text === ']' || t.text === ')') depth--;
      if (expectName && t.kind === 'ident' && i !== site.k) out.add(t.text);
      expectName = false;
    }
  }
  return out;
}

/** The functions the text declares: name → header text (`function f:long (a, b:string)`). */
function writtenFunctions(site: Site): Map<string, string> {
  const out = new Map<string, string>();
  const { toks } = site;
  for (const d of site.decls) {
    if (d.kind !== 'function') continue;
    let i = d.first;
    while (i < toks.length && toks[i].text !== 'function') i++;
    const name = toks[i + 1];
    if (!name || name.kind !== 'ident' || i + 1 === site.k) continue;
    const stop = d.bodyOpen ?? Math.min(d.end, i + 40);
    const header = toks.slice(i, stop).filter((t) => t.kind !== 'comment');
    out.set(name.text, header.map((t) => t.text).join(' ').replace(/ ([(),:])/g, '$1').replace(/\( /g, '(').replace(/,(?! )/g, ', '));
  }
  return out;
}

function functionParams(toks: readonly Tok[], decl: Decl): string[] {
  const out: string[] = [];
  let i = decl.first;
  while (i < toks.length && toks[i].text !== '(') {
    if (decl.bodyOpen !== undefined && i >= decl.bodyOpen) return out;
    i++;
  }
  let expect = true;
  for (i++; i < toks.length && toks[i].text !== ')' && toks[i].text !== '{'; i++) {
    const t = toks[i];
    if (t.text === ',') expect = true;
    else if (expect && t.kind === 'ident') {
      out.push(t.text);
      expect = false;
    } else expect = false;
  }
  return out;
}

/** Every plain name used in the declaration's body (not calls, members or the word typed). */
function bodyNames(site: Site, decl: Decl): string[] {
  const { toks } = site;
  const out: string[] = [];
  const seen = new Set<string>();
  const end = decl.bodyClose ?? Math.min(decl.end, toks.length);
  for (let i = (decl.bodyOpen ?? decl.first) + 1; i < end; i++) {
    const t = toks[i];
    if (t.kind !== 'ident' || i === site.k || KEYWORDS.has(t.text) || seen.has(t.text)) continue;
    const before = prevCode(toks, i);
    if (before?.text === '->') continue;
    const after = toks[i + 1];
    if (after?.text === '(') continue;
    seen.add(t.text);
    out.push(t.text);
  }
  return out;
}

/** Types of the declaration's names from the last analysis that parsed (pass 2's inference). */
function declTypes(site: Site, input: CompletionInput, decl: Decl): Map<string, ExpType> {
  const types = new Map<string, ExpType>();
  const parsed = input.parsed;
  const e = parsed?.elaboration;
  const file = parsed?.file;
  if (!e || !file) return types;
  const put = (vars: readonly { name: string; type: ExpType }[]) => {
    for (const v of vars) if (v.type !== 'unknown' && !types.has(v.name)) types.set(v.name, v.type);
  };
  if (decl.kind === 'function') {
    const name = functionName(site.toks, decl);
    for (const f of e.functions.values()) {
      if (f.unmangledName === name && f.file === file) {
        put(f.formalArgs);
        put(f.locals);
      }
    }
    return types;
  }
  if (decl.kind === 'probe') {
    const ordinal = site.decls.filter((d) => d.kind === 'probe' && d.first < decl.first).length;
    const probe = file.probes[ordinal];
    const first = probePoints(site.toks, decl.first + 1, decl.bodyOpen ?? decl.end)[0]?.[0]?.name;
    if (!probe || probe.locations[0]?.components[0]?.functor !== first) return types;
    for (const dp of e.probes) if (writtenProbe(dp.origin) === probe) put(dp.locals);
  }
  return types;
}

function writtenProbe(o: ProbeOrigin): unknown {
  return o.kind === 'probe' ? o.probe : writtenProbe(o.base);
}

function functionName(toks: readonly Tok[], decl: Decl): string | undefined {
  for (let i = decl.first; i < Math.min(decl.end, toks.length - 1); i++) if (toks[i].text === 'function') return toks[i + 1].text;
  return undefined;
}

function userFunctionDetail(name: string, header: string, input: CompletionInput): string {
  const e = input.parsed?.elaboration;
  const file = input.parsed?.file;
  if (e && file) {
    for (const f of [...e.functions.values(), ...e.allFunctions.values()]) {
      if (f.unmangledName === name && f.file === file) return functionSignature(f);
    }
  }
  return header;
}

// ---------------------------------------------------------------------------------------------
// The variables a probe's aliases provide

export interface AliasVariable {
  name: string;
  /** The alias that sets it (the nearest in the chain). */
  alias: string;
  type?: ExpType;
  /** Its `@name:` line of the alias's doc comment, when there is one. */
  doc?: string;
}

function aliasVariables(site: Site, input: CompletionInput, decl: Decl): AliasVariable[] {
  const tree = pointTree(input);
  if (!tree) return [];
  const from = decl.kind === 'alias' && decl.aliasOp !== undefined ? decl.aliasOp + 1 : decl.first + 1;
  const points = probePoints(site.toks, from, decl.bodyOpen ?? decl.end);
  const refs = points.flatMap((p) => aliasesOfPoint(tree, p.map((c) => c.name)));
  return variablesOfAliases(tree, refs);
}

/** The variables the aliases set in their bodies, and the aliases below them, nearest first. */
export function variablesOfAliases(tree: PointNode, refs: readonly AliasRef[]): AliasVariable[] {
  const out = new Map<string, AliasVariable>();
  const visited = new Set<ProbeAlias>();
  /** `@name:` lines of the chain's doc comments, the outermost alias's first. */
  const docs = new Map<string, string>();
  let level: AliasRef[] = [...refs];
  for (let depth = 0; depth < 8 && level.length; depth++) {
    const next: AliasRef[] = [];
    for (const ref of level) {
      const alias = ref.alias ?? ref.view?.stapfile.aliases[ref.index];
      if (!alias || visited.has(alias)) continue;
      visited.add(alias);
      if (ref.view) {
        const doc = docComment(ref.view.source, 'probe', ref.name, alias.tok.location.line);
        for (const p of doc?.params ?? []) if (!docs.has(p.name)) docs.set(p.name, p.text);
      }
      for (const body of [alias.body, alias.body2]) {
        if (!body) continue;
        walk(body, (n) => {
          if (n.kind === 'assignment' && n.left.kind === 'symbol') {
            const name = n.left.name;
            const have = out.get(name);
            if (!have) out.set(name, { name, alias: ref.name, type: literalType(n.right) });
            else have.type ??= literalType(n.right);
          }
        });
      }
      for (const pp of alias.locations) next.push(...aliasesOfPoint(tree, pp.components.map((c) => c.functor)));
    }
    level = next;
  }
  for (const v of out.values()) {
    const doc = docs.get(v.name);
    if (doc) v.doc = doc;
  }
  return [...out.values()];
}

function literalType(e: Expression): ExpType | undefined {
  switch (e.kind) {
    case 'literal_string':
    case 'concatenation':
      return 'string';
    case 'literal_number':
    case 'binary_expression':
    case 'unary_expression':
    case 'comparison':
      return 'long';
    case 'print_format':
      return e.printToStream ? undefined : 'string';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Functions: the print family and the tapsets

export interface BuiltinSignature {
  name: string;
  /** `printf(fmt: string, ...)`. */
  signature: string;
  doc: string;
  /** Takes a format string first. */
  format: boolean;
  /** Takes a delimiter first. */
  delimiter: boolean;
  returnsString: boolean;
}

/** stap's print family (parse.cxx `print_format::create`): built into the language, not tapsets. */
export const PRINT_FAMILY: BuiltinSignature[] = (() => {
  const out: BuiltinSignature[] = [];
  for (const s of ['', 's']) {
    const ret = s ? ': string' : '';
    const to = s ? 'Returns' : 'Prints';
    out.push(
      { name: `${s}print`, signature: `${s}print(...)${ret}`, doc: `${to} its arguments, one after the other.`, format: false, delimiter: false, returnsString: !!s },
      { name: `${s}println`, signature: `${s}println(...)${ret}`, doc: `${to} its arguments followed by a newline.`, format: false, delimiter: false, returnsString: !!s },
      { name: `${s}printf`, signature: `${s}printf(fmt: string, ...)${ret}`, doc: `${to} its arguments formatted by \`fmt\` (\`%d %s %x %p %c %b %m\`, flags \`-+ #0\`, width and precision).`, format: true, delimiter: false, returnsString: !!s },
      { name: `${s}printd`, signature: `${s}printd(delim: string, ...)${ret}`, doc: `${to} its arguments separated by \`delim\`.`, format: false, delimiter: true, returnsString: !!s },
      { name: `${s}printdln`, signature: `${s}printdln(delim: string, ...)${ret}`, doc: `${to} its arguments separated by \`delim\`, then a newline.`, format: false, delimiter: true, returnsString: !!s },
    );
  }
  return out;
})();

interface TapsetFunctionIndex {
  /** Unmangled name → the library files declaring it. */
  byName: Map<string, LibraryFileView[]>;
  arities: Map<string, Set<number>>;
}

const tapsetIndexes = new WeakMap<readonly LibraryFileView[], TapsetFunctionIndex>();

/** The library's public functions by name, from the summaries (made once per library). */
export function tapsetFunctions(views: readonly LibraryFileView[]): TapsetFunctionIndex {
  let index = tapsetIndexes.get(views);
  if (index) return index;
  index = { byName: new Map(), arities: new Map() };
  for (const v of views) {
    for (const f of v.summary.functions) {
      if (f.name.startsWith('__private_')) continue;
      let files = index.byName.get(f.unmangledName);
      if (!files) index.byName.set(f.unmangledName, (files = []));
      if (!files.includes(v)) files.push(v);
      let ar = index.arities.get(f.unmangledName);
      if (!ar) index.arities.set(f.unmangledName, (ar = new Set()));
      ar.add(f.arity);
    }
  }
  tapsetIndexes.set(views, index);
  return index;
}

function tapsetFunctionItems(input: CompletionInput): CompletionItem[] {
  const views = libraryViews(input);
  if (!views) return [];
  const index = tapsetFunctions(views);
  const items: CompletionItem[] = [];
  for (const [name, files] of index.byName) {
    const arities = [...index.arities.get(name)!].sort((a, b) => a - b).join(' or ');
    items.push({
      label: name,
      kind: 'function',
      detail: `tapset function, ${arities} argument${arities === '1' ? '' : 's'} (${basename(files[0].source.name)})`,
      sortText: `${name.startsWith('_') ? 'z' : SORT.tapset}${name}`,
      data: { kind: 'tapset-function', name, files: files.map((f) => f.source.name) },
    });
  }
  return items;
}

/** The tapset declarations of function `name` in the library (parses the files that have it). */
export function tapsetFunctionDecls(views: readonly LibraryFileView[], name: string): { decl: FunctionDecl; view: LibraryFileView }[] {
  const files = tapsetFunctions(views).byName.get(name) ?? [];
  return files.flatMap((view) => view.stapfile.functions.filter((f) => f.unmangledName === name && !f.isPrivate).map((decl) => ({ decl, view })));
}

/** The detail and documentation of an item listed without them. */
export function resolveCompletion(item: CompletionItem, analysis: Analysis | undefined): CompletionItem {
  const data = item.data;
  const lib = analysis?.pass1?.library;
  if (!data || !lib) return item;
  const views = viewsOfLoadedFiles(lib.files);
  if (data.kind === 'tapset-function') {
    const decls = tapsetFunctionDecls(views, data.name);
    if (decls.length === 0) return item;
    const first = decls[0];
    const doc = docComment(first.view.source, 'function', data.name, first.decl.tok.location.line);
    const sigs = [...new Set(decls.map((d) => functionSignature(d.decl)))];
    return { ...item, detail: sigs.join('\n'), ...(doc ? { documentation: docMarkdown(doc) } : {}) };
  }
  const view = views.find((v) => v.source.name === data.file);
  const alias = view?.stapfile.aliases[data.index];
  if (!view || !alias) return item;
  const doc = docComment(view.source, 'probe', data.name, alias.tok.location.line);
  return doc ? { ...item, documentation: docMarkdown(doc) } : item;
}

// ---------------------------------------------------------------------------------------------
// `@` operators, macros, `$` groups

export interface AtOperator {
  name: string;
  signature: string;
  params: string[];
  doc: string;
}

/** The `@` operators of the language (parse.cxx `parse_symbol` and the stat operators). */
export const AT_OPERATORS: AtOperator[] = [
  { name: '@cast', signature: '@cast(addr, "type", "module")', params: ['addr', '"type"', '"module"'], doc: 'Reads `addr` as a pointer to the C type `type` (from `module`\'s debuginfo).' },
  { name: '@defined', signature: '@defined(expr)', params: ['expr'], doc: 'Whether `expr` (a `$target` or `@cast` expression) resolves; 1 or 0, decided at translation.' },
  { name: '@entry', signature: '@entry(expr)', params: ['expr'], doc: 'In a `.return` probe: `expr` evaluated at the function\'s entry.' },
  { name: '@perf', signature: '@perf("name")', params: ['"name"'], doc: 'The value of the perf counter `name` bound to this probe.' },
  { name: '@var', signature: '@var("name@cu", "module")', params: ['"name@cu"', '"module"'], doc: 'A target variable looked up by name (a global of the compilation unit `cu`).' },
  { name: '@probewrite', signature: '@probewrite(var)', params: ['var'], doc: 'In a probe alias: whether the user\'s probe body writes `var`.' },
  { name: '@const', signature: '@const("C expression")', params: ['"C expression"'], doc: 'A C constant or expression, evaluated by the compiler (guru mode or tapsets).' },
  { name: '@count', signature: '@count(stats)', params: ['stats'], doc: 'The number of values added to a statistic.' },
  { name: '@sum', signature: '@sum(stats)', params: ['stats'], doc: 'The sum of the values added to a statistic.' },
  { name: '@min', signature: '@min(stats)', params: ['stats'], doc: 'The smallest value added to a statistic.' },
  { name: '@max', signature: '@max(stats)', params: ['stats'], doc: 'The largest value added to a statistic.' },
  { name: '@avg', signature: '@avg(stats)', params: ['stats'], doc: 'The average of the values added to a statistic.' },
  { name: '@variance', signature: '@variance(stats, bit_shift)', params: ['stats', 'bit_shift'], doc: 'The variance of the values added to a statistic (`bit_shift` optional).' },
  { name: '@hist_linear', signature: '@hist_linear(stats, low, high, step)', params: ['stats', 'low', 'high', 'step'], doc: 'A linear histogram of a statistic, for `print` or indexing.' },
  { name: '@hist_log', signature: '@hist_log(stats)', params: ['stats'], doc: 'A base-2 logarithmic histogram of a statistic, for `print` or indexing.' },
  { name: '@kregister', signature: '@kregister(n)', params: ['n'], doc: 'The kernel-mode value of register number `n`.' },
  { name: '@uregister', signature: '@uregister(n)', params: ['n'], doc: 'The user-mode value of register number `n`.' },
  { name: '@kderef', signature: '@kderef(size, addr)', params: ['size', 'addr'], doc: 'Reads `size` bytes of kernel memory at `addr`.' },
  { name: '@uderef', signature: '@uderef(size, addr)', params: ['size', 'addr'], doc: 'Reads `size` bytes of user memory at `addr`.' },
];

function atItems(site: Site, input: CompletionInput): CompletionItem[] {
  return [
    ...AT_OPERATORS.map((op) => ({ label: op.name, kind: 'operator' as const, detail: op.signature, documentation: op.doc, sortText: `0${op.name}` })),
    ...macroItems(site, input),
  ];
}

export interface MacroInfo {
  name: string;
  params: string[];
  /** Where it is defined: a library `.stpm` (path) or this file. */
  file?: MacroDefinition['file'];
  line: number;
}

/** The macros visible here: the library's and those this text defines. */
export function visibleMacros(bytes: string, toks: readonly Tok[], input: Pick<CompletionInput, 'analysis' | 'parsed'>): MacroInfo[] {
  const out = new Map<string, MacroInfo>();
  for (const d of declarations(toks)) {
    if (d.kind !== 'define') continue;
    const name = toks[d.first + 1];
    if (!name || name.kind !== 'ident') continue;
    const params: string[] = [];
    if (toks[d.first + 2]?.text === '(') {
      for (let i = d.first + 3; i < toks.length && toks[i].text !== ')'; i++) if (toks[i].kind === 'ident') params.push(toks[i].text);
    }
    const line = bytes.slice(0, toks[d.first].start).split('\n').length;
    out.set(name.text, { name: name.text, params, line });
  }
  const lib = (input.analysis?.pass1?.library ?? input.parsed?.pass1?.library)?.macros as Map<string, MacroDefinition> | undefined;
  for (const m of lib?.values() ?? []) {
    if (!out.has(m.name)) out.set(m.name, { name: m.name, params: m.params, file: m.file, line: m.token.location.line });
  }
  return [...out.values()];
}

function macroItems(site: Site, input: CompletionInput): CompletionItem[] {
  return visibleMacros(site.bytes, site.toks, input).map((m) => {
    const sig = `@${m.name}${m.params.length ? `(${m.params.join(', ')})` : ''}`;
    const doc = m.file ? docComment(m.file, 'macro', m.name, m.line) : undefined;
    return {
      label: `@${m.name}`,
      kind: 'macro' as const,
      detail: `${sig}${m.file ? ` (${basename(m.file.name)})` : ''}`,
      ...(doc ? { documentation: docMarkdown(doc) } : {}),
      sortText: `${m.name.startsWith('_') ? 'z' : '1'}${m.name}`,
    };
  });
}

function targetItems(): CompletionItem[] {
  const groups: [string, string][] = [
    ['$$vars', 'every variable in scope (parameters and locals), as `name=value` text'],
    ['$$parms', 'the function\'s parameters, as `name=value` text'],
    ['$$locals', 'the locals in scope, as `name=value` text'],
    ['$$return', 'in a `.return` probe: the return value, as `return=value` text'],
    ['$return', 'in a `.return` probe: the return value'],
  ];
  return groups.map(([label, doc]) => ({ label, kind: 'variable' as const, detail: 'context variable', documentation: doc }));
}

// ---------------------------------------------------------------------------------------------

/**
 * Keeps the items the word typed so far may become: its letters in order, the first matching
 * the item's first (case-insensitive). Names starting with `_` only when the word does.
 */
function filterItems(items: CompletionItem[], partial: string): CompletionItem[] {
  const word = partial.replace(/^[@$]+/, '').toLowerCase();
  return items.filter((it) => {
    const name = (it.filterText ?? it.label).replace(/^[@$]+/, '');
    if (name.startsWith('_') && !word.startsWith('_')) return false;
    if (word === '') return true;
    const lower = name.toLowerCase();
    if (lower[0] !== word[0]) return false;
    let j = 0;
    for (let i = 0; i < lower.length && j < word.length; i++) if (lower[i] === word[j]) j++;
    return j === word.length;
  });
}

export type { DerivedProbe, StapFile };
