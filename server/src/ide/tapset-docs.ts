/**
 * Documentation comments of tapset (and user) declarations, read from the files' own text at run
 * time and rendered as Markdown for hover. SystemTap documents its tapsets with kernel-doc style
 * blocks (the ones its `scripts/kernel-doc` turns into the tapset reference and the
 * `function::NAME(3stap)`/`probe::NAME(3stap)` man pages):
 *
 *     /**
 *      * sfunction strlen - Returns the length of a string
 *      *
 *      * @s: the string
 *      *
 *      * Description: This function returns the length of the string...
 *      *\/
 *     function strlen:long(s:string)
 *
 * with `sfunction`/`function` for functions, `probe` for probe aliases and `smacro` for macros.
 * A block is found by the name it documents anywhere in the file (a block may sit above a group
 * of declarations), else the comment right above the declaration is taken: a `/** … *\/` block,
 * or a run of `//`/`#` lines (how most `.stpm` macros are explained). No text is copied into the
 * repository: everything comes from the files the session read.
 */
import type { SourceFile } from '../passes/parse/token';

export type DocKind = 'function' | 'probe' | 'macro';

export interface DocComment {
  /** The name the block documents (`execname`, `syscall.read`), when it says. */
  name?: string;
  /** The one-line summary after `NAME -`. */
  summary?: string;
  /** `@arg: text` entries, in order. */
  params: { name: string; text: string }[];
  /** The rest of the block, as lines without the leading ` * `. */
  body: string[];
}

interface FileDocs {
  lines: string[];
  /** Named kernel-doc blocks: `function:name`, `probe:name`, `macro:name`. */
  named: Map<string, DocComment>;
}

const cache = new WeakMap<SourceFile, FileDocs>();

const KIND_OF: Record<string, DocKind> = { sfunction: 'function', function: 'function', probe: 'probe', smacro: 'macro' };

/**
 * The documentation of the declaration `name` of kind `kind` in `file`, whose first token is on
 * 1-based line `line`: the kernel-doc block naming it, else the comment right above `line`.
 */
export function docComment(file: SourceFile, kind: DocKind, name: string, line: number): DocComment | undefined {
  const docs = fileDocs(file);
  return docs.named.get(`${kind}:${name}`) ?? commentAbove(docs.lines, line);
}

/** The doc comment rendered as Markdown (a title line, the parameters, the description). */
export function docMarkdown(doc: DocComment): string {
  const out: string[] = [];
  if (doc.summary) out.push(doc.summary);
  if (doc.params.length > 0) {
    out.push('');
    for (const p of doc.params) out.push(`- \`${p.name}\`: ${p.text}`);
  }
  const body = trimBlank(doc.body);
  if (body.length > 0) {
    out.push('');
    for (const l of body) {
      const m = /^(\w[\w ]*):\s*(.*)$/.exec(l);
      // `Description: …`, `Context: …`, `Returns: …` section heads.
      if (m && m[1].length <= 20 && /^[A-Z]/.test(m[1])) out.push(`*${m[1]}:* ${m[2]}`);
      else out.push(l);
    }
  }
  return out.join('\n').trim();
}

function fileDocs(file: SourceFile): FileDocs {
  let docs = cache.get(file);
  if (!docs) {
    docs = parseFileDocs(file.text);
    cache.set(file, docs);
  }
  return docs;
}

function parseFileDocs(text: string): FileDocs {
  // Files are read as latin1 of their UTF-8 bytes; docs are shown as text.
  const lines = Buffer.from(text, 'latin1').toString('utf8').split('\n');
  const named = new Map<string, DocComment>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\*\*/.test(lines[i])) continue;
    const end = blockEnd(lines, i);
    if (end < 0) break;
    const doc = parseBlock(lines.slice(i, end + 1));
    const head = doc.headKind && KIND_OF[doc.headKind];
    if (head && doc.comment.name && !named.has(`${head}:${doc.comment.name}`)) named.set(`${head}:${doc.comment.name}`, doc.comment);
    i = end;
  }
  return { lines, named };
}

function blockEnd(lines: string[], start: number): number {
  for (let j = start; j < lines.length; j++) {
    const from = j === start ? lines[j].indexOf('/**') + 3 : 0;
    if (lines[j].indexOf('*/', from) >= 0) return j;
  }
  return -1;
}

/** The lines of a `/** … *\/` block without the comment marks. */
function blockText(block: string[]): string[] {
  return block.map((l, k) => {
    let s = l;
    if (k === 0) s = s.replace(/^\s*\/\*\*+/, '');
    const close = s.lastIndexOf('*/');
    if (k === block.length - 1 && close >= 0) s = s.slice(0, close);
    return s.replace(/^\s*\*(?!\/) ?/, '').replace(/\s+$/, '');
  });
}

function parseBlock(block: string[]): { headKind?: string; comment: DocComment } {
  const text = trimBlank(blockText(block));
  const comment: DocComment = { params: [], body: [] };
  let headKind: string | undefined;
  let k = 0;
  const head = /^\s*(sfunction|function|probe|smacro)\s+(\S+)\s*-+\s*(.*)$/.exec(text[0] ?? '');
  if (head) {
    headKind = head[1];
    comment.name = head[2].replace(/\(.*$/, '');
    comment.summary = head[3].trim();
    k = 1;
  }
  let lastParam: { name: string; text: string } | undefined;
  for (; k < text.length; k++) {
    const l = text[k];
    const param = /^\s*@(\w+|\.\.\.):\s*(.*)$/.exec(l);
    if (param && comment.body.every((b) => b.trim() === '')) {
      lastParam = { name: param[1], text: param[2].trim() };
      comment.params.push(lastParam);
      continue;
    }
    if (lastParam && l.trim() !== '' && comment.body.every((b) => b.trim() === '') && /^\s/.test(l)) {
      // A parameter's text continued on an indented line.
      lastParam.text += ` ${l.trim()}`;
      continue;
    }
    lastParam = undefined;
    comment.body.push(l);
  }
  comment.body = trimBlank(comment.body);
  return { headKind, comment };
}

/** The comment ending right above 1-based `line` (blank lines between are allowed, one at most). */
function commentAbove(lines: string[], line: number): DocComment | undefined {
  let j = line - 2;
  if (j >= 0 && lines[j].trim() === '') j--;
  if (j < 0) return undefined;
  if (/\*\/\s*$/.test(lines[j])) {
    let start = j;
    while (start >= 0 && !/^\s*\/\*/.test(lines[start])) start--;
    if (start < 0) return undefined;
    const block = lines.slice(start, j + 1);
    if (!/^\s*\/\*\*/.test(block[0])) block[0] = block[0].replace('/*', '/**');
    const { comment } = parseBlock(block);
    return comment.summary || comment.body.length || comment.params.length ? comment : undefined;
  }
  const run: string[] = [];
  for (; j >= 0 && /^\s*(\/\/|#)/.test(lines[j]); j--) run.unshift(lines[j].replace(/^\s*(\/\/+|#+) ?/, '').replace(/\s+$/, ''));
  const body = trimBlank(run);
  // A licence header is not documentation.
  if (body.length === 0 || body.some((l) => /Copyright|free software/i.test(l))) return undefined;
  return { params: [], body };
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}
