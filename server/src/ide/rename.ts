/**
 * Rename of a user symbol (function, global, parameter, local, probe alias, macro or macro
 * parameter) at every place that names it (references.ts). Refused, with a message saying why,
 * for a symbol declared outside the user's files (an installed tapset), a local that a probe
 * alias provides, an alias that a probe point reaches through a glob, and a new name that is
 * not one stap's lexer would read as that kind of name (parse.cxx: identifiers, keywords).
 */
import type { Analysis, Position, Range } from '../workspace/analysis';
import { definition } from './definition';
import { findReferences } from './references';
import { documentResolver, occurrenceAtPosition, tokenLocation, type Target, type WorkspaceFile } from './workspace-index';

/** parse.cxx's keywords (and `private`), and the print family, which the parser takes by name. */
const RESERVED = new Set([
  'probe', 'global', 'function', 'if', 'else', 'for', 'foreach', 'in', 'limit', 'return',
  'delete', 'while', 'break', 'continue', 'next', 'string', 'long', 'try', 'catch', 'private',
  'print', 'println', 'printf', 'printd', 'printdln', 'sprint', 'sprintln', 'sprintf', 'sprintd', 'sprintdln',
]);

export interface TextEdit {
  range: Range;
  newText: string;
}

export type RenameResult = { changes: Map<string, TextEdit[]> } | { error: string };
export type PrepareResult = { range: Range; placeholder: string } | { error: string } | undefined;

/** Whether a path is one of the user's files (open, or under a workspace folder). */
export type IsUserFile = (path: string) => boolean;

const KIND_NAMES: Record<Target['kind'], string> = {
  function: 'function',
  global: 'global',
  param: 'parameter',
  local: 'local variable',
  alias: 'probe alias',
  macro: 'macro',
  'macro-param': 'macro parameter',
};

/** Why the symbol cannot be renamed, or undefined when it can. */
function refusal(analysis: Analysis, pos: Position, targets: Target[], isUser: IsUserFile): string | undefined {
  for (const t of targets) {
    if (t.path !== analysis.path && !isUser(t.path)) {
      return `cannot rename ${KIND_NAMES[t.kind]} '${t.name}': it is declared in ${t.path}, which is not one of the workspace's files (an installed tapset)`;
    }
  }
  const local = targets.find((t) => t.kind === 'local');
  if (local) {
    const outside = definition(analysis, pos).find((l) => l.path !== analysis.path);
    if (outside) return `cannot rename local variable '${local.name}': the probe alias in ${outside.path} (line ${outside.range.start.line + 1}) sets it`;
  }
  return undefined;
}

/** textDocument/prepareRename: the range of the name and its text, or why it cannot be renamed. */
export function prepareRename(analysis: Analysis, pos: Position, files: readonly WorkspaceFile[], isUser: IsUserFile): PrepareResult {
  const r = documentResolver(analysis);
  if (!r) return undefined;
  const o = occurrenceAtPosition(r.index, pos);
  if (!o) return undefined;
  const found = findReferences(analysis, pos, files);
  if (!found) return { error: `'${o.name}' does not name a symbol that can be renamed` };
  const why = refusal(analysis, pos, found.targets, isUser);
  if (why) return { error: why };
  const here = found.references.find((ref) => ref.occurrence.tok === o.tok || (o.point !== undefined && ref.occurrence.point === o.point));
  if ((o.kind === 'alias' || o.kind === 'probe-point') && here) {
    return { range: here.location.range, placeholder: found.targets[0].name };
  }
  const loc = tokenLocation(o.tok, o.width);
  return { range: loc.range, placeholder: o.kind === 'macro' || (o.kind === 'macro-param' && !o.decl) ? `@${o.name}` : o.name };
}

/** Whether `name` is a valid new name for a symbol of kind `kind`; the message when not. */
export function checkNewName(kind: Target['kind'], name: string): string | undefined {
  const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (kind === 'alias') {
    const parts = name.split('.');
    // Keywords are valid components (`kernel.function("f").return`).
    if (!parts.every((p) => ident.test(p))) return `'${name}' is not a valid probe alias name (identifiers joined by '.')`;
    return undefined;
  }
  if (!ident.test(name)) return `'${name}' is not a valid ${KIND_NAMES[kind]} name (a letter or '_', then letters, digits or '_')`;
  if (kind !== 'macro' && kind !== 'macro-param' && RESERVED.has(name)) return `'${name}' is a reserved word`;
  if ((kind === 'macro' || kind === 'macro-param') && name === 'define') return "'@define' cannot be redefined";
  return undefined;
}

/** textDocument/rename: the edits per file, or why the rename is refused. */
export function rename(analysis: Analysis, pos: Position, newName: string, files: readonly WorkspaceFile[], isUser: IsUserFile): RenameResult {
  const found = findReferences(analysis, pos, files);
  if (!found) return { error: 'there is no symbol to rename here' };
  const why = refusal(analysis, pos, found.targets, isUser);
  if (why) return { error: why };
  const kind = found.targets[0].kind;
  const isMacro = kind === 'macro' || kind === 'macro-param';
  const name = isMacro && newName.startsWith('@') ? newName.slice(1) : newName;
  const bad = checkNewName(kind, name);
  if (bad) return { error: bad };
  const glob = found.references.find((ref) => ref.glob);
  if (glob) {
    const l = glob.location;
    return { error: `cannot rename probe alias '${found.targets[0].name}': the probe point at ${l.path}:${l.range.start.line + 1} reaches it through a wildcard` };
  }
  const changes = new Map<string, TextEdit[]>();
  for (const ref of found.references) {
    const written = isMacro && !ref.decl ? `@${name}` : name;
    const list = changes.get(ref.location.path) ?? [];
    list.push({ range: ref.location.range, newText: written });
    changes.set(ref.location.path, list);
  }
  return { changes };
}
