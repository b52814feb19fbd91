/**
 * Signature help: the call the cursor is in (found in the text, text-context.ts, since the call
 * being typed does not parse), its signatures and the parameter being written. Covers user
 * functions (typed by the last analysis that parsed), tapset functions (every overload, with
 * its documentation), the print family and the `@` operators and macros.
 *
 * For `printf`/`sprintf` the parameters are read from the format string as stap reads it
 * (elaborate/printf-format.ts, staptree.cxx `print_format::string_to_components`): one per
 * conversion (`%d: long`, `%s: string`), plus one per `*` width or precision, so the active
 * parameter shows which conversion an argument feeds. A malformed format gives stap's parse
 * error; too many arguments or a literal of the wrong type is said in the documentation
 * (elaborate.cxx `typeresolution_info::visit_print_format` checks the same at pass 2).
 */
import type { ExpType, FunctionDecl } from '../ast/staptree';
import { viewsOfLoadedFiles } from '../elaborate/library-view';
import { conversionArgType, FormatError, stringToComponents, type FormatComponent } from '../elaborate/printf-format';
import type { Analysis, Position } from '../workspace/analysis';
import { LineIndex } from '../workspace/analysis';
import { AT_OPERATORS, PRINT_FAMILY, tapsetFunctionDecls, visibleMacros } from './completion';
import { docComment, docMarkdown } from './tapset-docs';
import { declarations, KEYWORDS, prevCode, scanText, type Tok } from './text-context';

export interface ParameterInfo {
  label: string;
  documentation?: string;
}

export interface SignatureInfo {
  label: string;
  /** Markdown. */
  documentation?: string;
  parameters: ParameterInfo[];
}

export interface SignatureHelpResult {
  signatures: SignatureInfo[];
  activeSignature: number;
  /** The argument the cursor is in (0-based), which may be past the last parameter. */
  activeParameter: number;
}

export interface SignatureInput {
  bytes: string;
  position: Position;
  analysis?: Analysis;
  parsed?: Analysis;
}

/** The call around the cursor: its callee token and the argument tokens split at commas. */
interface Call {
  callee: Tok;
  args: Tok[][];
}

export function signatureHelp(input: SignatureInput): SignatureHelpResult | undefined {
  const lines = new LineIndex(input.bytes);
  const offset = lines.offset(input.position);
  const toks = scanText(input.bytes);
  const call = callAt(toks, offset);
  if (!call) return undefined;
  const name = call.callee.text;
  const active = call.args.length - 1;
  const signatures = signaturesOf(name, call, toks, input);
  if (signatures.length === 0) return undefined;
  // The first overload that takes as many arguments as are being written.
  let activeSignature = signatures.findIndex((s) => s.parameters.length > active || s.parameters.some((p) => p.label.startsWith('...')));
  if (activeSignature < 0) activeSignature = 0;
  const sig = signatures[activeSignature];
  const variadic = sig.parameters.findIndex((p) => p.label.startsWith('...'));
  const activeParameter = variadic >= 0 && active >= variadic ? variadic : active;
  return { signatures, activeSignature, activeParameter };
}

/** The innermost unclosed `(` before the cursor that follows a name; undefined if none. */
function callAt(toks: readonly Tok[], offset: number): Call | undefined {
  let k = 0;
  while (k < toks.length && toks[k].start < offset) k++;
  const last = toks[k - 1];
  if (last && last.kind === 'comment' && (last.end > offset || last.open || !last.text.startsWith('/*'))) return undefined;
  let depth = 0;
  for (let i = k - 1; i >= 0 && i >= k - 4000; i--) {
    const t = toks[i];
    if (t.kind === 'comment' || t.kind === 'string' || t.kind !== 'op') continue;
    if (t.text === ')' || t.text === ']') depth++;
    else if (t.text === '[') depth = Math.max(0, depth - 1);
    else if (t.text === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = prevCode(toks, i);
      if (!callee || !(callee.kind === 'ident' || callee.kind === 'at') || KEYWORDS.has(callee.text) || callee.text === '@') return undefined;
      return { callee, args: splitArgs(toks, i + 1, k) };
    } else if (t.text === '{' || t.text === '}' || t.text === ';') return undefined;
  }
  return undefined;
}

function splitArgs(toks: readonly Tok[], from: number, to: number): Tok[][] {
  const args: Tok[][] = [[]];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = toks[i];
    if (t.kind === 'comment') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (t.text === ',' && depth === 0) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(t);
  }
  return args;
}

function signaturesOf(name: string, call: Call, toks: readonly Tok[], input: SignatureInput): SignatureInfo[] {
  if (name.startsWith('@')) {
    const op = AT_OPERATORS.find((o) => o.name === name);
    if (op) return [{ label: op.signature, documentation: op.doc, parameters: op.params.map((label) => ({ label })) }];
    const macro = visibleMacros(input.bytes, toks, input).find((m) => `@${m.name}` === name);
    if (!macro) return [];
    const doc = macro.file ? docComment(macro.file, 'macro', macro.name, macro.line) : undefined;
    const params = macro.params.map((p) => ({ label: p, ...(doc?.params.find((d) => d.name === p) ? { documentation: doc.params.find((d) => d.name === p)!.text } : {}) }));
    return [{ label: `${name}(${macro.params.join(', ')})`, ...(doc ? { documentation: docMarkdown(doc) } : {}), parameters: params }];
  }
  const print = PRINT_FAMILY.find((p) => p.name === name);
  if (print) return [printSignature(print, call)];
  const user = userFunction(name, toks, input);
  if (user.length) return user;
  const lib = input.analysis?.pass1?.library ?? input.parsed?.pass1?.library;
  if (!lib) return [];
  return tapsetFunctionDecls(viewsOfLoadedFiles(lib.files), name).map(({ decl, view }) => {
    const doc = docComment(view.source, 'function', name, decl.tok.location.line);
    return declSignature(decl, doc ? docMarkdown(doc) : undefined, (p) => doc?.params.find((d) => d.name === p)?.text);
  });
}

function declSignature(decl: Pick<FunctionDecl, 'unmangledName' | 'formalArgs' | 'type'>, doc?: string, paramDoc?: (p: string) => string | undefined): SignatureInfo {
  const label = callSignature(decl);
  return {
    label,
    ...(doc ? { documentation: doc } : {}),
    parameters: decl.formalArgs.map((a) => {
      const d = paramDoc?.(a.name);
      return { label: a.type !== 'unknown' ? `${a.name}: ${a.type}` : a.name, ...(d ? { documentation: d } : {}) };
    }),
  };
}

/** A function this file declares: from the last analysis that parsed, else from its header text. */
function userFunction(name: string, toks: readonly Tok[], input: SignatureInput): SignatureInfo[] {
  const parsed = input.parsed;
  const file = parsed?.file;
  const written = file?.functions.filter((f) => f.unmangledName === name) ?? [];
  if (written.length) {
    return written.map((f) => {
      // Pass 2's types where it inferred them.
      const e = parsed?.elaboration;
      const elab = [...(e?.functions.values() ?? []), ...(e?.allFunctions.values() ?? [])].find((e) => e.unmangledName === name && e.file === file && e.formalArgs.length === f.formalArgs.length);
      const typed = elab ?? f;
      return declSignature({ unmangledName: name, formalArgs: typed.formalArgs, type: typed.type });
    });
  }
  for (const d of declarations(toks)) {
    if (d.kind !== 'function') continue;
    let i = d.first;
    while (i < toks.length && toks[i].text !== 'function') i++;
    if (toks[i + 1]?.text !== name) continue;
    const params: { name: string; type: ExpType }[] = [];
    let j = i + 2;
    while (j < toks.length && toks[j].text !== '(' && toks[j].text !== '{') j++;
    if (toks[j]?.text !== '(') return [];
    for (j++; j < toks.length && toks[j].text !== ')' && toks[j].text !== '{'; j++) {
      const t = toks[j];
      if (t.kind === 'ident' && (toks[j - 1].text === '(' || toks[j - 1].text === ',')) params.push({ name: t.text, type: 'unknown' });
      else if (t.kind === 'ident' && toks[j - 1].text === ':' && params.length && (t.text === 'long' || t.text === 'string')) params[params.length - 1].type = t.text;
    }
    return [declSignature({ unmangledName: name, formalArgs: params as FunctionDecl['formalArgs'], type: 'unknown' })];
  }
  return [];
}

/** `name(a: long, b: string): string`, with the types known. */
export function callSignature(f: Pick<FunctionDecl, 'unmangledName' | 'formalArgs' | 'type'>): string {
  const args = f.formalArgs.map((a) => (a.type !== 'unknown' ? `${a.name}: ${a.type}` : a.name)).join(', ');
  return `${f.unmangledName}(${args})${f.type !== 'unknown' ? `: ${f.type}` : ''}`;
}

/** The print family: `printf`'s parameters come from its format string. */
function printSignature(p: (typeof PRINT_FAMILY)[number], call: Call): SignatureInfo {
  const ret = p.returnsString ? ': string' : '';
  if (p.delimiter) {
    return { label: `${p.name}(delim: string, ...args)${ret}`, documentation: p.doc, parameters: [{ label: 'delim: string' }, { label: '...args' }] };
  }
  if (!p.format) return { label: `${p.name}(...args)${ret}`, documentation: p.doc, parameters: [{ label: '...args' }] };
  const fmt = call.args[0];
  const literal = fmt.length === 1 && fmt[0].kind === 'string' ? stringContent(fmt[0]) : undefined;
  if (literal === undefined) {
    return { label: `${p.name}(fmt: string, ...args)${ret}`, documentation: p.doc, parameters: [{ label: 'fmt: string' }, { label: '...args' }] };
  }
  let components: FormatComponent[];
  try {
    components = stringToComponents(literal);
  } catch (err) {
    const message = err instanceof FormatError ? err.message : String(err);
    return {
      label: `${p.name}(fmt: string, ...args)${ret}`,
      documentation: `${p.doc}\n\n**Format error:** ${message}`,
      parameters: [{ label: 'fmt: string' }, { label: '...args' }],
    };
  }
  const params: ParameterInfo[] = [{ label: 'fmt: string', documentation: `"${literal}"` }];
  const wants: ('long' | 'string')[] = [];
  for (const c of components) {
    if (c.type === 'literal') continue;
    const spec = conversionText(c);
    if (c.dynamicWidth) {
      params.push({ label: `${spec} width: long`, documentation: `the field width of \`${spec}\`` });
      wants.push('long');
    }
    if (c.dynamicPrecision) {
      params.push({ label: `${spec} precision: long`, documentation: `the precision of \`${spec}\`` });
      wants.push('long');
    }
    const type = conversionArgType(c);
    params.push({ label: `${spec}: ${type}`, documentation: `the value \`${spec}\` prints (${describe(c)})` });
    wants.push(type);
  }
  const problems: string[] = [];
  const given = call.args.slice(1);
  // The argument being typed may still be empty: count only those written.
  const written = given.filter((a, i) => a.length > 0 || i < given.length - 1).length;
  if (written > wants.length) problems.push(`too many arguments: the format takes ${wants.length}, ${written} given`);
  given.forEach((a, i) => {
    if (i >= wants.length || a.length !== 1) return;
    const t = a[0];
    const kind = t.kind === 'string' ? 'string' : t.kind === 'number' ? 'long' : undefined;
    if (kind && kind !== wants[i]) problems.push(`argument ${i + 2} is a ${kind}, but the format wants a ${wants[i]} there`);
  });
  const doc = [p.doc, ...problems.map((m) => `**Warning:** ${m}`)].join('\n\n');
  const label = `${p.name}(${params.map((x) => x.label).join(', ')})${ret}`;
  return { label, documentation: doc, parameters: params };
}

/** The text between a string token's quotes, as the lexer keeps it (escapes stay two characters). */
function stringContent(t: Tok): string {
  const body = t.text.slice(1, t.open ? undefined : -1);
  return body.replace(/\\"/g, '"');
}

function conversionText(c: FormatComponent): string {
  const width = c.dynamicWidth ? '*' : (c.width ?? '');
  const precision = c.dynamicPrecision ? '.*' : c.precision !== undefined ? `.${c.precision}` : '';
  return `%${c.flags}${width}${precision}${c.conversion}`;
}

function describe(c: FormatComponent): string {
  switch (c.type) {
    case 'string':
      return 'a string';
    case 'char':
      return 'a character code';
    case 'pointer':
      return 'a pointer, in hex';
    case 'binary':
      return 'the number as binary bytes';
    case 'memory':
    case 'memory_hex':
      return `memory at an address${c.type === 'memory_hex' ? ', in hex' : ''}; the precision is the length`;
    default:
      return c.base === 16 ? 'a number, in hex' : c.base === 8 ? 'a number, in octal' : 'a number';
  }
}
