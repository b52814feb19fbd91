/**
 * The open documents and the settings, and one immutable {@link Analysis} per document version
 * (gopls' snapshot idea): features read an analysis and never change it; an edit makes the
 * next one. The tapset library is not part of a document's analysis: the passes keep it per
 * session key (tapsets/library.ts), so editing a script never re-parses tapsets.
 */
import { analyzeDocument, type Analysis } from './analysis';
import { DEFAULT_SETTINGS, type Settings } from './settings';

export interface OpenDocument {
  uri: string;
  /** The file path the passes see (for `file:` URIs the path itself; else a stand-in). */
  path: string;
  version: number;
  text: string;
}

export class Workspace {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly analyses = new Map<string, Analysis>();
  private settingsValue: Settings = DEFAULT_SETTINGS;
  private settingsGeneration = 0;
  private readonly analysedWith = new Map<string, number>();
  /** The newest analysis of each document whose text parsed (features on incomplete code). */
  private readonly parsed = new Map<string, Analysis>();

  /** The workspace folders' paths (from `initialize`): where references and rename look for scripts. */
  folders: string[] = [];
  /** Whether the client resolves workspace symbols lazily (`workspaceSymbol/resolve` of their ranges). */
  resolvesWorkspaceSymbols = false;

  constructor(private readonly analyze: typeof analyzeDocument = analyzeDocument) {}

  get settings(): Settings {
    return this.settingsValue;
  }

  set settings(s: Settings) {
    this.settingsValue = s;
    this.settingsGeneration++;
  }

  open(doc: OpenDocument): void {
    this.documents.set(doc.uri, doc);
  }

  change(uri: string, version: number, text: string): void {
    const doc = this.documents.get(uri);
    if (doc) this.documents.set(uri, { ...doc, version, text });
  }

  close(uri: string): void {
    this.documents.delete(uri);
    this.analyses.delete(uri);
    this.analysedWith.delete(uri);
    this.parsed.delete(uri);
  }

  /** The newest analysis made of the document, whatever its version; never starts one. */
  latestAnalysis(uri: string): Analysis | undefined {
    return this.analyses.get(uri);
  }

  /** The newest analysis of the document whose text parsed (its `file` is there). */
  lastParsedAnalysis(uri: string): Analysis | undefined {
    return this.parsed.get(uri);
  }

  document(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  get openDocuments(): OpenDocument[] {
    return [...this.documents.values()];
  }

  /** The analysis of the document's current version (made now if there is none yet). */
  analysis(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const have = this.analyses.get(uri);
    if (have && have.version === doc.version && this.analysedWith.get(uri) === this.settingsGeneration) return have;
    const fresh = this.analyze({ path: doc.path, text: doc.text, version: doc.version }, this.settingsValue);
    this.analyses.set(uri, fresh);
    this.analysedWith.set(uri, this.settingsGeneration);
    if (fresh.file) this.parsed.set(uri, fresh);
    return fresh;
  }
}
