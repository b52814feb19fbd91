/**
 * A persistent cache of the parsed tapset library, so that a cold `stap-ls` (a new process)
 * does not lex, expand and parse some 480 tapset files again, as stap does on every run. stap
 * has no such cache; this is what makes a cold `stap-ls -p1` cheaper than `stap -p1`.
 *
 * What is kept is what pass 1 needs from the library when it parsed cleanly: the library
 * macros (their tokens), the list of library files with the `-vv` lines, and the library part
 * of the `-v` dump as text, and a summary of each file (the names it declares) for pass 2. The
 * trees themselves are not kept: a restored library parses a file when it is first looked into
 * (library.ts `LoadedFile.stapfile`), so pass 2 parses only the files it pulls in. A library with any error or warning is not cached (its diagnostics
 * are replayed from a fresh load). The entry is found by a fingerprint of everything the
 * result depends on: the session key (search path, target, `--compatible`, privilege, guru,
 * and the script arguments, which tapsets read), the build of stap-ls itself, and for every
 * library file its path, identity, size and modification time.
 *
 * Storage goes through {@link LibraryStore}; this module does no IO.
 */
import { createHash } from 'node:crypto';

import type { Token, TokenType, SourceFile } from '../passes/parse/token';
import type { LibraryFileRef, SearchedDir } from './search-path';

/** Where cache entries live (a directory in practice). Both methods swallow their own errors. */
export interface LibraryStore {
  /** Identifies the running build of stap-ls; part of every fingerprint. */
  buildId: string;
  load(name: string): string | undefined;
  save(name: string, data: string): void;
}

/** Everything a library load depends on, hashed. */
export function libraryFingerprint(
  sessionKey: string,
  buildId: string,
  macroDirs: readonly SearchedDir[],
  scriptDirs: readonly SearchedDir[],
): string {
  const dirs = (list: readonly SearchedDir[]) =>
    list.map((d) => [d.dir, d.found, d.files.map((f: LibraryFileRef) => [f.path, f.id, f.stamp ?? null, f.includeIndex, f.autoPath])]);
  const material = JSON.stringify([FORMAT, sessionKey, buildId, dirs(macroDirs), dirs(scriptDirs)]);
  return createHash('sha256').update(material).digest('hex').slice(0, 40);
}

/** Bump when the layout of an entry changes. */
const FORMAT = 2;

/** A token as stored: `[type, content, file index, line, column, junk message?]`. */
type StoredToken = [TokenType, string, number, number, number] | [TokenType, string, number, number, number, string];

/** Maps source files to indexes and back, for the tokens of an entry. */
export class SourceTable {
  private readonly index = new Map<SourceFile, number>();
  readonly names: string[] = [];

  constructor(private readonly files: SourceFile[] = []) {
    files.forEach((f, i) => {
      this.index.set(f, i);
      this.names.push(f.name);
    });
  }

  indexOf(file: SourceFile): number {
    let i = this.index.get(file);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(file, i);
      this.names.push(file.name);
      this.files.push(file);
    }
    return i;
  }

  file(i: number): SourceFile {
    const f = this.files[i];
    if (!f) throw new Error(`library cache: no source file #${i}`);
    return f;
  }

  encode(t: Token): StoredToken {
    const base: StoredToken = [t.type, t.content, this.indexOf(t.location.file), t.location.line, t.location.column];
    return t.junkMessage === undefined ? base : [...base, t.junkMessage];
  }

  decode(s: StoredToken): Token {
    const token: Token = { type: s[0], content: s[1], location: { file: this.file(s[2]), line: s[3], column: s[4] } };
    if (s.length === 6) token.junkMessage = s[5];
    return token;
  }
}
