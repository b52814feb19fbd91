/**
 * Drives the real language server over stdio, as an editor does: `bin/stap-ls --stdio` in a
 * child process, JSON-RPC through vscode-jsonrpc. Tests open documents, edit them, wait for the
 * diagnostics of a given version, and send requests; `markers` finds cursor positions written
 * into fixture text as `<|name|>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const root = join(__dirname, '..', '..');

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: LspDiagnostic['range'] }; message: string }[];
}

export class LspClient {
  private versions = new Map<string, number>();
  private latest = new Map<string, { version?: number; diagnostics: LspDiagnostic[] }>();
  private waiters: (() => void)[] = [];
  readonly stderr: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  /** Starts the server and initializes it with `settings` (the `systemtap` section). */
  static async start(
    settings: Record<string, unknown> = {},
    env: NodeJS.ProcessEnv = process.env,
    command = join(root, 'bin', 'stap-ls'),
    /** Extra `initialize` params (`workspaceFolders`, `capabilities`…), over the defaults. */
    init: Record<string, unknown> = {},
  ): Promise<LspClient> {
    const child = spawn(command, ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    child.stderr!.on('data', (d: Buffer) => client.stderr.push(d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: LspDiagnostic[] }) => {
      client.latest.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      const waiting = client.waiters;
      client.waiters = [];
      for (const w of waiting) w();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => void client.stderr.push(p.message));
    connection.onRequest('workspace/configuration', () => [settings]);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: false } },
      initializationOptions: { settings },
      ...init,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  static uri(path: string): string {
    return pathToFileURL(path).href;
  }

  open(path: string, text: string): string {
    const uri = LspClient.uri(path);
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'systemtap', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** An incremental edit: `text` replaces `range`. */
  edit(uri: string, range: LspDiagnostic['range'], text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** The server's resident memory now, in KiB (from /proc). */
  rssKb(): number {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
    } catch {
      return NaN;
    }
  }

  /** The diagnostics published for `uri` at its current version (waits up to `timeoutMs`). */
  async diagnostics(uri: string, timeoutMs = 30000): Promise<LspDiagnostic[]> {
    const version = this.versions.get(uri);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.latest.get(uri);
      if (got && (got.version === undefined || got.version === version)) return got.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms; server log:\n${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Shuts the server down and waits for the process to end (kills it after 5 s). */
  async stop(): Promise<number | null> {
    const ended = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      void this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const code = await ended;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }
}

/** Cursor markers `<|name|>` in fixture text: the text without them, and each marker's position. */
export function markers(source: string): { text: string; at: Record<string, { line: number; character: number }> } {
  const at: Record<string, { line: number; character: number }> = {};
  let text = '';
  let line = 0;
  let character = 0;
  for (let i = 0; i < source.length; ) {
    const m = /^<\|([\w-]+)\|>/.exec(source.slice(i, i + 64));
    if (m) {
      at[m[1]] = { line, character };
      i += m[0].length;
      continue;
    }
    const c = source[i++];
    text += c;
    if (c === '\n') {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  return { text, at };
}
