/**
 * Scenario 17 (issue 15's proof): "makeimg: Open Shell in Image" in a real
 * VS Code. examples/tiny is built as the unprivileged makeimg-test user
 * (pkexec, as in build.e2e.ts); Open Shell runs `makeimg shell` on the last
 * build's image through the same pkexec; `cat /etc/os-release` typed into the
 * terminal prints the image's os-release (ID=makeimg-tiny; the host's is
 * Debian's). Checked from outside VS Code: while the shell runs, exactly one
 * new makeimg-shell-* directory exists in the temporary directory of the root
 * makeimg (read from its environment), and nspawn runs on it; after the user
 * kills the terminal (and, in a second shell, after typing `exit`) the
 * directory, the lease file and every process of the shell are gone.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SHELL_DIR_PREFIX } from '../../pipeline/src/cli/shell';
import { COMMANDS } from '../../shared/ids-and-settings';
import { commandTitle, EXTENSION_ID, useVSCode } from './harness';
import { repoRoot, resultsDir } from './paths';
import { archiveFile, archiveMembers, processEnvironment, processesUsing, processExists, processTree, type ProcessInfo } from './system';
import { waitFor } from './workbench';

/** VS Code's own command (the trash icon of the terminal panel does the same). */
const KILL_TERMINAL = 'Terminal: Kill the Active Terminal Instance';
/** The prompt of an interactive shell as root: bash's default `bash-5.2# ` (the image has no bashrc). */
const PROMPT = /#$/;

/** What runs for one open shell, seen from outside VS Code. */
interface RunningShell {
  /** makeimg (root) and everything under it: systemd-nspawn, the shell in the container. */
  tree: ProcessInfo[];
  /** The extracted image: <tmpdir>/makeimg-shell-XXXXXX. */
  dir: string;
  /** The file VS Code keeps while the terminal is open (makeimg's --lease). */
  lease: string;
}

function shellDirs(tmp: string): string[] {
  return readdirSync(tmp).filter((n) => n.startsWith(SHELL_DIR_PREFIX));
}

describe('e2e: a shell in the built image (issue 15): Open Shell runs cat /etc/os-release inside; the extracted tree goes with the terminal', function () {
  before(function () {
    if (process.getuid?.() !== 0) throw new Error('the shell scenario must run as root (it starts VS Code as makeimg-test, who builds)');
  });

  const s = useVSCode({
    fixture: 'builds',
    user: 'makeimg-test',
    extraFolders: { tiny: join(repoRoot, 'examples', 'tiny') },
  });

  /** Runs Open Shell in Image (the last build's image) and waits for the shell's prompt; returns what runs. */
  async function openShell(image: string, shellTitle: string): Promise<RunningShell> {
    // pkexec clears the environment: the root makeimg's tmpdir is /tmp unless its environment says otherwise (checked below).
    const before = shellDirs('/tmp');
    await s.wb.runCommand(commandTitle(COMMANDS.openShell));
    await waitFor(
      'the shell terminal',
      () => s.wb.terminalTitles(),
      (t) => t.some((x) => x.includes(shellTitle)),
      20_000,
    );
    const makeimg = await waitFor(
      'makeimg shell running as root (through pkexec)',
      async () => processesUsing(image).filter((p) => p.uid === 0 && / shell --lease=\S+ /.test(` ${p.cmdline} `)),
      (p) => p.length === 1,
      30_000,
    );
    await waitFor(
      "the shell's prompt",
      () => s.wb.terminalRows(),
      (rows) => rows.some((r) => r.includes('makeimg shell: extracting')) && PROMPT.test(rows[rows.length - 1] ?? ''),
      60_000,
    );
    const tree = processTree(makeimg[0]!.pid);
    const tmp = processEnvironment(makeimg[0]!.pid).TMPDIR || '/tmp';
    assert.equal(tmp, '/tmp', "the root makeimg's tmpdir (its TMPDIR)");
    const created = shellDirs(tmp).filter((d) => !before.includes(d));
    assert.equal(
      created.length,
      1,
      `exactly one new ${SHELL_DIR_PREFIX} directory in ${tmp} while the shell runs: ${JSON.stringify(created)}`,
    );
    const dir = join(tmp, created[0]!);
    const nspawn = tree.filter((p) => basename(p.cmdline.split(' ')[0]!) === 'systemd-nspawn');
    assert.equal(nspawn.length, 1, `one systemd-nspawn under makeimg: ${JSON.stringify(tree)}`);
    assert.ok(nspawn[0]!.cmdline.includes(`--directory=${dir} `), `nspawn runs on ${dir}: ${nspawn[0]!.cmdline}`);
    assert.equal(nspawn[0]!.uid, 0, 'nspawn runs as root');
    const lease = /--lease=(\S+)/.exec(makeimg[0]!.cmdline)![1]!;
    assert.ok(existsSync(lease), `the lease ${lease} exists while the terminal is open`);
    return { tree, dir, lease };
  }

  /** Waits until the shell's directory is gone (returns the seconds it took); then no process of it, its lease and its terminal go. */
  async function assertGone(shell: RunningShell, image: string, shellTitle: string, since: number): Promise<number> {
    await waitFor(
      `${shell.dir} to be removed`,
      async () => existsSync(shell.dir),
      (e) => !e,
      10_000,
    );
    const seconds = (Date.now() - since) / 1000;
    const left = await waitFor(
      "the shell's processes to end",
      async () => shell.tree.filter((p) => processExists(p.pid)),
      (l) => l.length === 0,
      5_000,
    ).catch(() => shell.tree.filter((p) => processExists(p.pid)));
    assert.deepEqual(left, [], 'no process of the shell is left (makeimg, systemd-nspawn, the shell)');
    assert.deepEqual(
      [...processesUsing(image), ...processesUsing(shell.dir), ...processesUsing(dirname(shell.lease))].filter((p) => p.uid === 0),
      [],
      'no root process refers to the image, the extracted tree or the lease',
    );
    // VS Code removes the lease when it closes the terminal (after a kill at once, after an exit once it sees the process end).
    await waitFor(
      `the lease's directory ${dirname(shell.lease)} to be removed`,
      async () => existsSync(dirname(shell.lease)),
      (e) => !e,
      10_000,
    );
    await waitFor(
      'the shell terminal to close',
      () => s.wb.terminalTitles(),
      (t) => !t.some((x) => x.includes(shellTitle)),
      10_000,
    );
    return seconds;
  }

  it("17. builds tiny; Open Shell in Image: cat /etc/os-release shows the image's; killing the terminal, or exit, removes the extracted tree", async function () {
    this.timeout(480_000);
    const image = join(s.workspace, 'tiny', 'img', 'tiny.tar.gz');
    const shellTitle = `makeimg shell: ${basename(image)}`;
    await s.wb.openFile('tiny/image.sh');
    const built = await s.wb.runBuild(commandTitle(COMMANDS.buildImage));
    assert.ok(built?.icons.includes('check'), `the build succeeded: ${JSON.stringify(built)}\n${s.server.outputChannel(EXTENSION_ID)}`);
    assert.ok(archiveMembers(image).includes('etc/os-release'), 'the image has /etc/os-release (a link to /usr/lib/os-release)');
    const osRelease = archiveFile(image, 'usr/lib/os-release').trimEnd().split('\n');
    assert.ok(osRelease.includes('ID=makeimg-tiny'), `tiny's os-release: ${osRelease.join('\n')}`);

    // The first shell: the os-release of the image, then the user kills the terminal.
    const first = await openShell(image, shellTitle);
    await s.wb.typeInTerminal('cat /etc/os-release\n');
    await waitFor(
      "cat's output",
      () => s.wb.terminalRows(),
      (rows) => rows.includes(osRelease[osRelease.length - 1]!) && PROMPT.test(rows[rows.length - 1] ?? ''),
      15_000,
    );
    await s.wb.screenshot(join(resultsDir, 'scenario-17-shell.png'));
    const rows = (await s.wb.terminalText()).split('\n');
    const typed = rows.findIndex((r) => r.endsWith('# cat /etc/os-release'));
    assert.ok(typed >= 0, `the terminal shows the command at the prompt:\n${rows.join('\n')}`);
    assert.deepEqual(
      rows.slice(typed + 1, typed + 1 + osRelease.length),
      osRelease,
      `cat /etc/os-release printed the image's /usr/lib/os-release:\n${rows.join('\n')}`,
    );
    assert.ok(!rows.some((r) => /^ID=debian$/.test(r)), "not the host's os-release");

    const killedAt = Date.now();
    await s.wb.runCommand(KILL_TERMINAL);
    const afterKill = await assertGone(first, image, shellTitle, killedAt);
    console.log(`      killed terminal: ${first.dir} removed after ${afterKill.toFixed(1)} s`);

    // The second shell: the user types exit.
    const second = await openShell(image, shellTitle);
    assert.notEqual(second.dir, first.dir);
    const exitedAt = Date.now();
    await s.wb.typeInTerminal('exit\n');
    const afterExit = await assertGone(second, image, shellTitle, exitedAt);
    console.log(`      exit: ${second.dir} removed after ${afterExit.toFixed(1)} s`);
  });
});
