/**
 * A small LSP client for protocol tests: spawns the bundled server
 * (`node dist/server.js --stdio`), speaks JSON-RPC over its stdio, answers
 * workspace/configuration, and records published diagnostics.
 *
 *   const client = await LspTestClient.start({ settings: { disabledRules: ['MKIMG010'] } });
 *   client.open(uri, text);
 *   const published = await client.diagnostics(uri, 1);   // for version 1
 *   await client.stop();
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  type ClientCapabilities,
  type InitializeResult,
  type Diagnostic,
  type Registration,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { LANGUAGE_ID, type ServerSettings } from '../../../shared/ids-and-settings';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const BUNDLED_SERVER = join(REPO_ROOT, 'dist', 'server.js');

export interface StartOptions {
  /** Settings returned for workspace/configuration; when absent the client does not offer configuration. */
  settings?: Partial<ServerSettings>;
  initializationOptions?: Record<string, unknown>;
  serverPath?: string;
  /** Arguments after the server script (default `--stdio`; bash-language-server wants `start`). */
  serverArgs?: string[];
  /** Options for node itself, before the server script (e.g. `--cpu-prof` to profile the server). */
  nodeArgs?: string[];
  /** Extra client capabilities (e.g. workspace.didChangeWatchedFiles), merged over the defaults. */
  capabilities?: ClientCapabilities;
}

interface Waiter {
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspTestClient {
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** window/logMessage texts (connection.console). */
  readonly logs: string[] = [];
  /** The server's answer to initialize (capabilities). */
  initializeResult: InitializeResult | undefined;
  /** window/showMessage notifications (what an editor pops up). */
  readonly messages: { type: number; message: string }[] = [];
  /** client/registerCapability registrations the server made (all accepted). */
  readonly registrations: Registration[] = [];
  stderr = '';
  settings: Partial<ServerSettings> | undefined;
  private waiters: Waiter[] = [];
  private exited = false;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const serverPath = options.serverPath ?? BUNDLED_SERVER;
    if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run \`node scripts/bundle.mjs\` first`);
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, ...(options.serverArgs ?? ['--stdio'])], {
      stdio: 'pipe',
    });
    const connection = createProtocolConnection(child.stdout, child.stdin);
    const client = new LspTestClient(child, connection);
    client.settings = options.settings;
    child.stderr.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    child.on('exit', () => (client.exited = true));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => client.receive(p));
    connection.onNotification(LogMessageNotification.type, (p) => {
      client.logs.push(p.message);
    });
    connection.onNotification(ShowMessageNotification.type, (p) => {
      client.messages.push(p);
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings ?? null));
    connection.onRequest(RegistrationRequest.type, (params) => {
      client.registrations.push(...params.registrations);
    });
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        ...options.capabilities,
        workspace: { ...options.capabilities?.workspace, configuration: options.settings !== undefined },
        textDocument: { ...options.capabilities?.textDocument, publishDiagnostics: { relatedInformation: true, versionSupport: true } },
      },
      initializationOptions: options.initializationOptions ?? { diagnosticsDelay: 0 },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  get alive(): boolean {
    return !this.exited;
  }

  open(uri: string, text: string, version = 1, languageId = LANGUAGE_ID): void {
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): void {
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  close(uri: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  changeSettings(settings: Partial<ServerSettings>): void {
    this.settings = settings;
    void this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /**
   * The diagnostics published for `uri` at `version` (any version when
   * omitted: the next publish from now on).
   */
  diagnostics(uri: string, version?: number, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    if (version === undefined) return this.publishMatching(uri, () => true, this.published.length, timeoutMs);
    return this.publishMatching(uri, (p) => p.version === version, 0, timeoutMs);
  }

  /** Diagnostics published for `uri` when it was closed (no version, empty). */
  clearedDiagnostics(uri: string, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    return this.publishMatching(uri, (p) => p.version === undefined, 0, timeoutMs);
  }

  /**
   * The first publish for `uri` that satisfies `accept`, among those from
   * index `since` of `published` on, waiting for it if it has not come yet.
   */
  publishMatching(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean,
    since = 0,
    timeoutMs = 10_000,
  ): Promise<PublishDiagnosticsParams> {
    const matches = (p: PublishDiagnosticsParams) => p.uri === uri && accept(p);
    const earlier = this.published.slice(since).find(matches);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { accept: matches, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const last = this.published.filter((p) => p.uri === uri).pop();
        reject(
          new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(last)}; stderr: ${this.stderr}`),
        );
      }, timeoutMs);
    });
  }

  /** Write raw bytes as one LSP message body (to send what JSON.stringify cannot, e.g. invalid UTF-8). */
  writeRawMessage(body: Buffer): void {
    this.writeRawMessages([body]);
  }

  /** Write several message bodies in one write, so they arrive together (a burst of notifications). */
  writeRawMessages(bodies: Buffer[]): void {
    this.process.stdin.write(
      Buffer.concat(bodies.flatMap((body) => [Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body])),
    );
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), delay(2000)]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The server is already gone; the kill below is then a no-op.
    }
    await Promise.race([new Promise((r) => this.process.once('exit', r)), delay(2000)]);
    if (!this.exited) this.process.kill('SIGKILL');
    this.connection.dispose();
  }

  private receive(p: PublishDiagnosticsParams): void {
    this.published.push(p);
    for (const w of this.waiters.filter((w) => w.accept(p))) {
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(p);
    }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A diagnostic's message as text (LSP 3.18 also allows markup). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** code and 1-based line of each diagnostic, e.g. "MKIMG004@3", for compact assertions. */
export function summarize(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${String(d.code)}@${d.range.start.line + 1}`);
}
