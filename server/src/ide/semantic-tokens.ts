/**
 * Semantic tokens: the tree-sitter tree gives each token's kind (as grammar/queries/highlights.scm
 * does for other editors), and the analysis adds what syntax cannot know: which names are
 * tapset functions and globals (`defaultLibrary`, from the library's summaries) and which
 * branches of `%( %)` this target skips (`inactive`, from the analysis's inactive-branch hints,
 * ide/inactive.ts). Variables are told apart as stap's symbol resolution does
 * (elaborate.cxx `symresolution_info::find_var`): a function's parameter, else a global of the
 * file, else a public tapset global, else a local of the probe, alias or function.
 *
 * Plain data: tokens with 0-based line, UTF-16 column and length, on one line each (a
 * multi-line comment or `%{ %}` is cut at line ends); {@link encodeTokens} makes LSP's
 * relative integer encoding.
 */
import { viewsOfLoadedFiles } from '../elaborate/library-view';
import type { Node } from '../syntax/parser';
import type { Analysis, Range } from '../workspace/analysis';

/** Token types, in legend order. `event` is a probe point; `embedded` is `%{ … %}` C code. */
export const TOKEN_TYPES = [
  'function',
  'variable',
  'parameter',
  'event',
  'macro',
  'keyword',
  'string',
  'number',
  'comment',
  'property',
  'type',
  'operator',
  'embedded',
] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * Modifiers, in legend order (bit i is modifier i): `global`/`local` for variables,
 * `defaultLibrary` for tapset and built-in names, `readonly` for `$target` variables, script
 * arguments and preprocessor built-ins, `inactive` inside a branch the target skips.
 */
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary', 'readonly', 'global', 'local', 'inactive'] as const;
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

const KEYWORDS = new Set([
  'probe',
  'global',
  'function',
  'private',
  'if',
  'else',
  'for',
  'foreach',
  'in',
  'limit',
  'return',
  'delete',
  'while',
  'break',
  'continue',
  'next',
  'try',
  'catch',
  '%(',
  '%?',
  '%:',
  '%)',
  '@define',
]);

const AT_OPERATORS = new Set([
  '@cast',
  '@var',
  '@defined',
  '@entry',
  '@perf',
  '@probewrite',
  '@const',
  '@kregister',
  '@uregister',
  '@kderef',
  '@uderef',
  '@count',
  '@sum',
  '@min',
  '@max',
  '@avg',
  '@variance',
  '@hist_log',
  '@hist_linear',
]);

/** The print family: built into the translator (parse.cxx print_format), not tapset functions. */
const PRINT_FAMILY = new Set(['print', 'println', 'printd', 'printdln', 'printf', 'sprint', 'sprintln', 'sprintd', 'sprintdln', 'sprintf']);

/** Nodes whose whole text is one token (their children are not looked at). */
const WHOLE: Record<string, TokenType> = {
  comment: 'comment',
  embedded_code: 'embedded',
  string: 'string',
  number: 'number',
  negative_number: 'number',
  type: 'type',
  private: 'keyword',
  foreach_aggregate: 'function',
};

const SCOPES = new Set(['probe_declaration', 'probe_alias_declaration', 'function_declaration', 'macro_definition']);

/** What the library and the document declare, for telling names apart. */
interface Names {
  tapsetFunctions: ReadonlySet<string>;
  tapsetGlobals: ReadonlySet<string>;
  fileGlobals: Set<string>;
  fileFunctions: Set<string>;
}

const libraryNames = new WeakMap<object, { functions: Set<string>; globals: Set<string> }>();

/** Public names of the tapset library (a private one is not visible from a script). */
function tapsetNames(analysis: Analysis): { functions: Set<string>; globals: Set<string> } {
  // Pass 2 may not have run (a parse error): the library pass 1 loaded has the same summaries.
  const library = analysis.elaboration?.library ?? (analysis.pass1 ? viewsOfLoadedFiles(analysis.pass1.library.files) : undefined);
  if (!library) return { functions: new Set(), globals: new Set() };
  let names = libraryNames.get(library);
  if (!names) {
    names = { functions: new Set(), globals: new Set() };
    for (const view of library) {
      for (const f of view.summary.functions) if (f.name.startsWith('__global_')) names.functions.add(f.unmangledName);
      for (const g of view.summary.globals) if (g.name.startsWith('__global_')) names.globals.add(g.unmangledName);
    }
    libraryNames.set(library, names);
  }
  return names;
}

/** The semantic tokens of a document, in order. `root` is the tree of the analysis's text. */
export function semanticTokens(root: Node, analysis: Analysis | undefined): SemanticToken[] {
  const tapset = analysis ? tapsetNames(analysis) : { functions: new Set<string>(), globals: new Set<string>() };
  const names: Names = { tapsetFunctions: tapset.functions, tapsetGlobals: tapset.globals, fileGlobals: new Set(), fileFunctions: new Set() };
  for (const n of root.descendantsOfType('global_variable')) {
    const id = n.childForFieldName('name') ?? n.namedChildren.find((c) => c?.type === 'identifier');
    if (id) names.fileGlobals.add(id.text);
  }
  for (const n of root.descendantsOfType('function_declaration')) {
    const id = n.childForFieldName('name');
    if (id) names.fileFunctions.add(id.text);
  }
  const inactive = (analysis?.diagnostics ?? []).filter((d) => d.code === 'inactive').map((d) => d.range);
  const out: SemanticToken[] = [];
  const emit = (n: Node, type: TokenType, modifiers: TokenModifier[] = []) => {
    const lines = n.text.split('\n');
    let line = n.startPosition.row;
    let character = n.startPosition.column;
    for (const l of lines) {
      if (l.length > 0) out.push({ line, character, length: l.length, type, modifiers: [...modifiers] });
      line++;
      character = 0;
    }
  };
  const scopeLocals = new Map<Node | null, { params: Set<string> }>();
  const paramsOf = (scope: Node | null): Set<string> => {
    const key = scope;
    let have = scopeLocals.get(key);
    if (!have) {
      const params = new Set<string>();
      if (scope?.type === 'function_declaration') {
        for (const p of scope.descendantsOfType('parameter')) {
          const id = p.childForFieldName('name');
          if (id) params.add(id.text);
        }
      }
      have = { params };
      scopeLocals.set(key, have);
    }
    return have.params;
  };

  const visit = (n: Node, scope: Node | null) => {
    if (SCOPES.has(n.type)) scope = n;
    const whole = WHOLE[n.type];
    if (whole) {
      emit(n, whole, whole === 'function' ? ['defaultLibrary'] : []);
      return;
    }
    if (n.type === 'token_sequence' || n.type === 'ERROR') {
      // Opaque text (a branch or macro body that is not a construct here) or junk: not classified.
      if (n.type === 'ERROR') for (const c of n.children) if (c && (c.type === 'comment' || c.type === 'string')) visit(c, scope);
      return;
    }
    if (!n.isNamed) {
      if (KEYWORDS.has(n.type)) emit(n, 'keyword');
      else if (AT_OPERATORS.has(n.type)) emit(n, 'function', ['defaultLibrary']);
      return;
    }
    switch (n.type) {
      case 'identifier':
        classifyIdentifier(n, scope);
        return;
      case 'glob':
        if (n.parent?.type === 'component') emit(n, 'event', aliasName(n) ? ['declaration'] : []);
        return;
      case 'macro_name':
        emit(n, 'macro');
        return;
      case 'target_variable':
      case 'pretty_print':
        emit(n, 'variable', ['readonly']);
        return;
      case 'script_argument':
      case 'script_argument_count':
        emit(n, 'parameter', ['readonly']);
        return;
    }
    for (const c of n.children) if (c) visit(c, scope);
  };

  /** Whether a component node belongs to the names of a probe alias (`probe NAME = …`). */
  const aliasName = (n: Node): boolean => {
    const point = n.parent?.parent;
    const alias = point?.parent;
    if (!point || !alias || alias.type !== 'probe_alias_declaration') return false;
    // The alias's names come before its `=`/`+=`.
    const eq = alias.children.find((c) => c?.type === '=' || c?.type === '+=');
    return eq ? point.endIndex <= eq.startIndex : false;
  };

  const classifyIdentifier = (n: Node, scope: Node | null) => {
    const parent = n.parent;
    const name = n.text;
    switch (parent?.type) {
      case 'function_declaration':
        if (parent.childForFieldName('name')?.equals(n)) return emit(n, 'function', ['declaration']);
        break;
      case 'call_expression':
        if (parent.childForFieldName('function')?.equals(n)) {
          if (PRINT_FAMILY.has(name)) return emit(n, 'function', ['defaultLibrary']);
          if (!names.fileFunctions.has(name) && names.tapsetFunctions.has(name)) return emit(n, 'function', ['defaultLibrary']);
          return emit(n, 'function');
        }
        break;
      case 'component':
        return emit(n, 'event', aliasName(n) ? ['declaration'] : []);
      case 'parameter':
        return emit(n, 'parameter', ['declaration']);
      case 'global_variable':
        return emit(n, 'variable', ['declaration', 'global']);
      case 'member_access':
        if (parent.childForFieldName('field')?.equals(n)) return emit(n, 'property');
        break;
      case 'preproc_comparison':
        return emit(n, 'variable', ['readonly', 'defaultLibrary']);
      case 'macro_definition':
        return emit(n, 'macro', ['declaration']);
      case 'macro_parameters':
        return emit(n, 'parameter', ['declaration']);
    }
    if (scope?.type === 'macro_definition') return emit(n, 'variable');
    if (paramsOf(scope).has(name)) return emit(n, 'parameter');
    if (names.fileGlobals.has(name)) return emit(n, 'variable', ['global']);
    if (names.tapsetGlobals.has(name)) return emit(n, 'variable', ['global', 'defaultLibrary']);
    return emit(n, 'variable', ['local']);
  };

  visit(root, null);
  out.sort((a, b) => a.line - b.line || a.character - b.character);
  if (inactive.length > 0) for (const t of out) if (inactive.some((r) => inside(t, r))) t.modifiers.push('inactive');
  return out;
}

function inside(t: SemanticToken, r: Range): boolean {
  const afterStart = t.line > r.start.line || (t.line === r.start.line && t.character >= r.start.character);
  const beforeEnd = t.line < r.end.line || (t.line === r.end.line && t.character + t.length <= r.end.character);
  return afterStart && beforeEnd;
}

/** LSP's encoding: per token, line delta, start delta (on the same line), length, type index, modifier bits. */
export function encodeTokens(tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of tokens) {
    const dl = t.line - line;
    const dc = dl === 0 ? t.character - character : t.character;
    let bits = 0;
    for (const m of t.modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(m);
    data.push(dl, dc, t.length, TOKEN_TYPES.indexOf(t.type), bits);
    line = t.line;
    character = t.character;
  }
  return data;
}
