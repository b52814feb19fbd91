/**
 * The language server: capabilities, document sync, settings, and the request handlers, each a
 * thin call into workspace/ and ide/ (gopls' server package over its cache). Diagnostics are
 * published after each edit, debounced, and only for the version they were computed for.
 * Every handler is guarded: an exception is logged and answered with an empty result; the
 * server itself keeps running whatever the user types.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { runCli } from '../cli';
import { complete } from '../ide/completion';
import { locate } from '../ide/locate';
import { stapWiring } from '../passes/pass1';
import { overlayIo, toBytes } from '../workspace/analysis';
import { validateSettings, settingsArgv } from '../workspace/settings';
import { Workspace } from '../workspace/workspace';
import { toLspDiagnostic, uriToPath } from './convert';
import { dumpPass1, dumpPass2, memoryUsage, type DumpParams, type DumpResult, type MemoryUsageResult } from './ext';
import { registerFeatures } from './features';

/**
 * Milliseconds of quiet after an edit before the diagnostics are computed (typing does not
 * queue an analysis per keystroke). `STAP_LS_DIAGNOSTICS_DELAY_MS` overrides it (the benchmark
 * sets 0 to time the analysis itself).
 */
export const DIAGNOSTICS_DELAY_MS = 150;

/** Milliseconds of quiet after diagnostics are published before the position index is built. */
const INDEX_DELAY_MS = 100;

function diagnosticsDelay(): number {
  const v = Number(process.env.STAP_LS_DIAGNOSTICS_DELAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : DIAGNOSTICS_DELAY_MS;
}

/** A full garbage collection, without starting node with --expose-gc. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface Server {
  connection: Connection;
  workspace: Workspace;
}

/** Starts the server on the connection given by the command line (`--stdio`, `--node-ipc`). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Server {
  const workspace = new Workspace();
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  const indexTimers = new Map<string, NodeJS.Timeout>();
  const warmed = new WeakSet<object>();
  let configurationRequests = false;

  const log = (what: string, err: unknown) =>
    connection.console.error(`stap-ls: ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);

  /** Runs a handler; on an exception logs it and returns `fallback`. */
  function guarded<P, R>(what: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params: P) => {
      try {
        return handler(params);
      } catch (err) {
        log(what, err);
        return fallback;
      }
    };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    configurationRequests = params.capabilities.workspace?.configuration === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.folders = folders.filter((u) => u.startsWith('file:')).map(uriToPath);
    workspace.resolvesWorkspaceSymbols = params.capabilities.workspace?.symbol?.resolveSupport?.properties.includes('location.range') === true;
    const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (initial !== undefined) applySettings(initial);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...featureCapabilities,
      },
      serverInfo: { name: 'stap-ls', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (configurationRequests) {
      void connection.client.register(DidChangeConfigurationNotification.type, undefined);
      void refreshSettings();
    }
  });

  function applySettings(raw: unknown): void {
    const { settings, problems } = validateSettings(raw);
    for (const p of problems) connection.console.warn(`stap-ls: setting ${p}`);
    workspace.settings = settings;
    for (const doc of workspace.openDocuments) schedule(doc.uri, 0);
  }

  async function refreshSettings(): Promise<void> {
    try {
      applySettings(await connection.workspace.getConfiguration('systemtap'));
    } catch (err) {
      log('reading the settings', err);
    }
  }

  connection.onDidChangeConfiguration((change) => {
    if (configurationRequests) void refreshSettings();
    else applySettings((change.settings as { systemtap?: unknown } | undefined)?.systemtap);
  });

  function schedule(uri: string, delay = diagnosticsDelay()): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        publish(uri);
      }, delay),
    );
  }

  function publish(uri: string): void {
    try {
      const analysis = workspace.analysis(uri);
      if (!analysis) return;
      // An edit that came in meanwhile gets its own run; these would be stale.
      if (workspace.document(uri)?.version !== analysis.version) return;
      void connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: analysis.diagnostics.map(toLspDiagnostic) });
      // Build the position index once the document has been quiet a little longer, while the
      // user reads, not in the first hover's time; an edit meanwhile makes it pointless (the
      // next analysis gets its own), so typing never waits for it.
      clearTimeout(indexTimers.get(uri));
      indexTimers.set(uri, setTimeout(() => {
        indexTimers.delete(uri);
        try {
          if (workspace.document(uri)?.version !== analysis.version) return;
          locate(analysis, { line: 0, character: 0 });
          // A library's completion indexes (probe-point tree, tapset functions) are built on
          // its first completion, some 50 ms: do it now, once per library.
          const library = analysis.pass1?.library;
          if (library && !warmed.has(library)) {
            warmed.add(library);
            for (const [bytes, character] of [['probe begin { x', 15], ['probe syscall.', 14]] as const) {
              complete({ bytes, position: { line: 0, character }, analysis, parsed: analysis });
            }
          }
        } catch (err) {
          log(`indexing ${uri}`, err);
        }
      }, INDEX_DELAY_MS));
    } catch (err) {
      log(`diagnostics of ${uri}`, err);
    }
  }

  documents.onDidOpen((e) => {
    workspace.open({ uri: e.document.uri, path: uriToPath(e.document.uri), version: e.document.version, text: e.document.getText() });
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    workspace.change(e.document.uri, e.document.version, e.document.getText());
    schedule(e.document.uri);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    clearTimeout(indexTimers.get(e.document.uri));
    indexTimers.delete(e.document.uri);
    workspace.close(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const dump = (pass: 1 | 2) =>
    guarded<DumpParams, DumpResult>(`dumpPass${pass}`, { stdout: '', stderr: 'stap-ls: internal error\n', status: 70 }, (params) => {
      const doc = workspace.document(params.textDocument.uri);
      if (!doc) return { stdout: '', stderr: `stap-ls: ${params.textDocument.uri} is not open\n`, status: 1 };
      const s = workspace.settings;
      const argv = [`-p${pass}`, ...(params.verbose ? ['-v'] : []), ...settingsArgv(s), doc.path, ...s.scriptArguments];
      const out = runCli(argv, overlayIo(doc.path, toBytes(doc.text)), stapWiring);
      return { stdout: out.stdout, stderr: out.stderr, status: out.status };
    });
  connection.onRequest(dumpPass1, dump(1));
  connection.onRequest(dumpPass2, dump(2));
  connection.onRequest(
    memoryUsage,
    guarded<{ gc?: boolean }, MemoryUsageResult>('memoryUsage', { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 }, (params) => {
      if (params?.gc) fullGc();
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
    }),
  );

  const featureCapabilities = registerFeatures(connection, workspace, guarded);

  documents.listen(connection);
  connection.listen();
  return { connection, workspace };
}
