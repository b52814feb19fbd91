// Benchmark: parsing real SystemTap sources with the tree-sitter grammar wasm (web-tree-sitter).
// For the tapset library ($SYSTEMTAP_TAPSET, default /usr/share/systemtap/tapset) and the
// examples ($SYSTEMTAP_EXAMPLES, default /usr/share/systemtap/examples): one cold pass (read the
// files and parse them, the first parses in this process) and the median of warm parse-only passes.
import { readFileSync } from 'node:fs';

import { createParser, loadLanguage, type Parser } from '../server/src/syntax/parser';
import { isStapSource, listFiles, medianOf, time, timeAsync, type BenchContext, type Row, type Section } from './util';

export const TAPSET_DIR = process.env.SYSTEMTAP_TAPSET ?? '/usr/share/systemtap/tapset';
export const EXAMPLES_DIR = process.env.SYSTEMTAP_EXAMPLES ?? '/usr/share/systemtap/examples';
export const WARM_RUNS = 5;

const GROUP = 'grammar (wasm)';

export interface Corpus {
  paths: string[];
  texts: string[];
  /** Total UTF-8 size. */
  bytes: number;
}

export function readCorpus(paths: string[]): Corpus {
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  return { paths, texts, bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0) };
}

/** Parses every text once; returns how many trees contain ERROR or MISSING nodes. */
export function parseAll(parser: Parser, texts: string[]): number {
  let withErrors = 0;
  for (const text of texts) {
    const tree = parser.parse(text);
    if (!tree) throw new Error('parse returned null');
    if (tree.rootNode.hasError) withErrors++;
    tree.delete();
  }
  return withErrors;
}

/** The warm row for an already-read corpus (used here and by other benchmarks). */
export function warmRow(parser: Parser, corpus: Corpus, id: string, label: string, note?: string): Row {
  const { ms } = medianOf(WARM_RUNS, () => parseAll(parser, corpus.texts));
  return {
    id,
    benchmark: GROUP,
    case: `${label}, warm`,
    files: corpus.paths.length,
    bytes: corpus.bytes,
    ms,
    runs: WARM_RUNS,
    note,
  };
}

export async function benchGrammar(_ctx: BenchContext): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];

  const [, loadMs] = await timeAsync(() => loadLanguage());
  rows.push({ id: 'grammar.load', benchmark: GROUP, case: 'init web-tree-sitter + load language', ms: loadMs, runs: 1 });
  const parser = await createParser();

  const corpora: Array<{ key: string; label: string; dir: string }> = [
    { key: 'tapset', label: 'tapset library', dir: TAPSET_DIR },
    { key: 'examples', label: 'examples', dir: EXAMPLES_DIR },
  ];
  for (const { key, label, dir } of corpora) {
    const paths = listFiles(dir, isStapSource);
    if (paths.length === 0) {
      notes.push(`${label}: no .stp/.stpm files under ${dir}, skipped`);
      continue;
    }
    const [[corpus, errors], coldMs] = time(() => {
      const c = readCorpus(paths);
      return [c, parseAll(parser, c.texts)] as const;
    });
    rows.push({
      id: `grammar.${key}.cold`,
      benchmark: GROUP,
      case: `${label}, cold (read + parse)`,
      files: paths.length,
      bytes: corpus.bytes,
      ms: coldMs,
      runs: 1,
      note: errors ? `${errors} with syntax errors` : 'no syntax errors',
    });
    rows.push(warmRow(parser, corpus, `grammar.${key}.warm`, label));
    notes.push(`${label}: ${dir}`);
  }
  parser.delete();
  return { rows, notes };
}
