/**
 * Mocha glue for the end-to-end scenarios: `useVSCode()` in a `describe` copies
 * a fixture workspace into a temporary folder, starts code-server with the
 * packaged extension (optionally as an unprivileged user), opens the folder in
 * Chromium, saves a screenshot (and the extension's log) of every failed test
 * into test-results/, and tears everything down afterwards.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { LANGUAGE_ID } from '../../shared/ids-and-settings';
import { dirname, join } from 'node:path';
import { account, chownTree, CodeServer, type Account } from './code-server';
import { fixturesDir, repoRoot, resultsDir } from './paths';
import { Workbench } from './workbench';

interface Manifest {
  publisher: string;
  name: string;
  contributes?: {
    languages?: { id: string; aliases?: string[] }[];
    commands?: { command: string; title: string; category?: string }[];
  };
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
}

/** The extension's id, as VS Code names it: publisher.name from package.json. */
export const EXTENSION_ID = (({ publisher, name }) => `${publisher}.${name}`)(manifest());

/** Names VS Code may show for our language in the status bar: its contributed aliases. */
export function languageDisplayNames(): string[] {
  const language = manifest().contributes?.languages?.find((l) => l.id === LANGUAGE_ID);
  return [LANGUAGE_ID, ...(language?.aliases ?? [])];
}

/** A contributed command as the command palette lists it ("category: title"). */
export function commandTitle(id: string): string {
  const command = manifest().contributes?.commands?.find((c) => c.command === id);
  if (!command) throw new Error(`package.json contributes no command ${id}`);
  return command.category ? `${command.category}: ${command.title}` : command.title;
}

export interface SessionOptions {
  /** Folder under client/e2e/fixtures copied as the workspace. */
  fixture: string;
  /** Run code-server as this local user (needs root), e.g. "makeimg-test". */
  user?: string;
  settings?: Record<string, unknown>;
  /** More folders copied into the workspace: name in the workspace -> absolute source path. */
  extraFolders?: Record<string, string>;
}

export interface Session {
  readonly server: CodeServer;
  readonly wb: Workbench;
  /** Absolute path of the temporary workspace folder. */
  readonly workspace: string;
  readonly user: Account | undefined;
}

/** Registers before/after hooks in the current describe; the returned object is filled in `before`. */
export function useVSCode(options: SessionOptions): Session {
  const session = {} as { -readonly [K in keyof Session]: Session[K] };

  before(async function () {
    this.timeout(120_000);
    session.user = options.user ? account(options.user) : undefined;
    session.workspace = copyFixture(options.fixture, session.user, options.extraFolders);
    session.server = await CodeServer.start({ user: session.user, settings: options.settings });
    session.wb = await Workbench.open(session.server.url(session.workspace));
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (!test || test.state !== 'failed' || !session.wb) return;
    const file = join(
      resultsDir,
      `${test
        .fullTitle()
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 120)}.png`,
    );
    await session.wb.screenshot(file).catch(() => undefined);
    console.log(`    screenshot: ${file}`);
    const log = session.server?.outputChannel(EXTENSION_ID);
    if (log) console.log(`    extension log (last lines):\n${indent(log.split('\n').slice(-40).join('\n'))}`);
  });

  after(async function () {
    this.timeout(30_000);
    await session.wb?.close().catch(() => undefined);
    await session.server?.stop();
    if (session.workspace) rmSync(dirname(session.workspace), { recursive: true, force: true });
  });

  return session;
}

/** Copies a fixture (and extra folders) into /tmp, owned by `user` when given; returns its path. */
function copyFixture(name: string, user?: Account, extraFolders: Record<string, string> = {}): string {
  // Named after the fixture: the explorer (and the docs screenshots) show that name.
  const dir = join(mkdtempSync('/tmp/makeimg-e2e-ws.'), name);
  cpSync(join(fixturesDir, name), dir, { recursive: true });
  for (const [folder, source] of Object.entries(extraFolders)) cpSync(source, join(dir, folder), { recursive: true });
  if (user) chownTree(dirname(dir), user);
  return dir;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
