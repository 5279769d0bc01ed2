/**
 * Starts and stops a real code-server (VS Code 1.96 served over HTTP) for the
 * end-to-end tests: a fresh profile and extensions folder per instance, the
 * packaged VSIX installed into it, optionally running as another (unprivileged)
 * user. Teardown kills the whole process group, so nothing outlives a test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { signalProcessGroup } from '../../shared/process';
import { repoRoot } from './paths';

/** Settings that keep the workbench quiet and the terminal readable from the DOM. */
const PROFILE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  // Without GPU acceleration xterm renders its rows into the DOM, where the tests read them.
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.editor.enablePreview': false,
  'editor.hover.delay': 100,
  // Breadcrumbs name the active file's path only (the tests read it), no symbols.
  'breadcrumbs.symbolPath': 'off',
};

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Looks up a local user (getent), e.g. the `makeimg-test` user from scripts/test-users. */
export function account(name: string): Account {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`user ${name} does not exist: run scripts/test-users as root first`);
  }
  const f = line.split(':');
  return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}

/** The cached code-server executable; installs it on first use (scripts/setup-code-server). */
function codeServerBinary(): string {
  if (process.env.MAKEIMG_CODE_SERVER) return process.env.MAKEIMG_CODE_SERVER;
  const out = execFileSync(join(repoRoot, 'scripts/setup-code-server'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  process.env.MAKEIMG_CODE_SERVER = bin;
  return bin;
}

/** The packaged extension under test (set by client/e2e/run, which packages it). */
function vsixPath(): string {
  const vsix = process.env.MAKEIMG_VSIX;
  if (!vsix || !existsSync(vsix)) {
    throw new Error('MAKEIMG_VSIX must name the packaged extension: run the tests with `npm run test:e2e`');
  }
  return vsix;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface CodeServerOptions {
  /** Run code-server as this user (root only); default: the current user. */
  user?: Account;
  /** Extra user settings merged over PROFILE_SETTINGS. */
  settings?: Record<string, unknown>;
}

export class CodeServer {
  private constructor(
    readonly port: number,
    /** Root of this instance's private folders (profile, extensions, config). */
    readonly home: string,
    readonly userDataDir: string,
    private readonly proc: ChildProcess,
    private readonly output: string[],
  ) {}

  /** Creates a private profile, installs the VSIX into it, starts code-server and waits for /healthz. */
  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    const bin = codeServerBinary();
    const vsix = vsixPath();
    const home = mkdtempSync('/tmp/makeimg-e2e-vscode.');
    const userDataDir = join(home, 'user-data');
    const extensionsDir = join(home, 'extensions');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    mkdirSync(extensionsDir, { recursive: true });
    writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...PROFILE_SETTINGS, ...options.settings }, null, 2));
    // A copy the user can read wherever the checkout lives.
    const ownVsix = join(home, basename(vsix));
    copyFileSync(vsix, ownVsix);
    if (options.user) chownTree(home, options.user);

    const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', join(home, 'config.yaml')];
    const asUser = (argv: string[]) => wrapForUser(options.user, home, argv);

    // The user who runs code-server must install the extension itself (it owns the folder).
    const install = asUser([bin, ...common, '--install-extension', ownVsix, '--force']);
    try {
      execFileSync(install[0], install.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      rmSync(home, { recursive: true, force: true });
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`installing ${vsix} into code-server failed: ${err.stderr || err.stdout || err.message}`);
    }

    const port = await freePort();
    const argv = asUser([
      bin,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ]);
    // detached: setsid, so the server is a process-group leader and teardown kills everything it started.
    const proc = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const server = new CodeServer(port, home, userDataDir, proc, output);
    try {
      await server.waitHealthy(30_000);
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** The workbench URL that opens `folder`. */
  url(folder: string): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
  }

  /** The last lines code-server printed (for failure messages). */
  log(): string {
    return this.output.join('');
  }

  /**
   * Text of an extension's log output channels, read from disk
   * (USERDATA/logs/<session>/exthost1/<publisher>.<name>/*.log); '' when absent.
   */
  outputChannel(extensionId: string): string {
    const logs = join(this.userDataDir, 'logs');
    if (!existsSync(logs)) return '';
    let text = '';
    for (const session of readdirSync(logs)) {
      const dir = join(logs, session, 'exthost1', extensionId);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) text += readFileSync(join(dir, file), 'utf8');
    }
    return text;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`code-server exited (${this.proc.exitCode}):\n${this.log()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server did not become healthy in ${timeoutMs} ms:\n${this.log()}`);
  }

  /** Kills the whole process group (extension host, language server, build) and removes the private folders. */
  async stop(): Promise<void> {
    const pid = this.proc.pid;
    if (pid !== undefined && this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      signalProcessGroup(pid, 'SIGTERM');
      const timer = new Promise((r) => setTimeout(r, 5000, 'timeout'));
      if ((await Promise.race([exited, timer])) === 'timeout') signalProcessGroup(pid, 'SIGKILL');
    }
    if (pid !== undefined) {
      // Children that outlived the leader (same group) get a last SIGKILL; wait until they are
      // gone, or they could still write into the profile while it is being removed.
      signalProcessGroup(pid, 'SIGKILL');
      for (let i = 0; i < 50 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    }
    if (process.env.E2E_DEBUG_KEEP) return;
    rmSync(this.home, { recursive: true, force: true, maxRetries: 3 });
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * argv that runs `argv` as `user` with that user's environment. setpriv (not su)
 * keeps the spawned pid as the process-group leader. Config and data paths are
 * pointed into the private `home` so nothing is written to the real one.
 */
function wrapForUser(user: Account | undefined, home: string, argv: string[]): string[] {
  const env = [`XDG_CONFIG_HOME=${join(home, 'xdg-config')}`, `XDG_DATA_HOME=${join(home, 'xdg-data')}`];
  if (!user) return ['env', ...env, ...argv];
  return [
    'setpriv',
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--init-groups',
    'env',
    `HOME=${user.home}`,
    `USER=${user.name}`,
    `LOGNAME=${user.name}`,
    ...env,
    ...argv,
  ];
}

/** chown -R: the user who runs code-server must own its profile and extensions. */
export function chownTree(path: string, user: Account): void {
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, path]);
}
