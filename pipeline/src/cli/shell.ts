/**
 * `makeimg shell [--boot] [IMAGE] [-- COMMAND...]`: a shell (bash when the
 * image has it, else sh) or COMMAND inside a built image, in systemd-nspawn
 * with the confinement of the postinstall hook (the image is the root, the
 * host's DNS bound for the session only, the host's timezone left alone).
 * Nothing reaches the image: a directory image runs under a volatile overlay
 * (writes vanish at exit); an archive is extracted into a private temporary
 * directory that is removed when the shell ends, however it ends (exit,
 * SIGHUP from a closed terminal, SIGTERM). `--boot` boots the image's init.
 *
 * A shell gets the hooks' confinement (issue 10): CAP_SYS_ADMIN & co dropped
 * and the hooks' device policy (no block device to create or open). For a
 * user pkexec runs makeimg for (a polkit rule may allow non-administrators),
 * root opens only that user's own image, held by descriptor (an archive is
 * read from the descriptor it was checked on; a directory image is bound
 * from its descriptor, device-policy.ts's sibling held-dirs.ts), and `--boot`
 * (whose init needs CAP_SYS_ADMIN) is refused.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { classifyImageName } from '../../../shared/contract';
import { EXIT } from '../../../shared/events';
import { INSTALLER_DROPPED_CAPABILITIES, NO_SYSTEMD_FLAGS, uniqueMachineName } from '../confine/nspawn';
import { hookDevicePolicy } from '../confine/device-policy';
import { MountHolder } from '../confine/held-dirs';
import { checkHost, systemdIsPid1 } from '../host';
import { findOnPath } from '../archive/compressors';
import { startProcess, type RunningProcess } from '../../../shared/process';

export interface ShellOptions {
  boot: boolean;
  /**
   * A file the caller keeps while it wants the shell: when it disappears the
   * shell is stopped as on SIGHUP. The editor cannot signal a root process
   * (nor can its terminal's hang-up reach it through pkexec reliably); it
   * removes this file when the user closes the terminal.
   */
  lease?: string;
  /** Run this instead of an interactive shell. */
  command: string[];
  err: NodeJS.WritableStream;
  /** The uid of a user pkexec ran makeimg for (config.ts pkexecCaller): only their own image, no --boot. */
  callerUid?: number;
}

/** Where extracted images live while a shell runs (removed afterwards). */
export const SHELL_DIR_PREFIX = 'makeimg-shell-';
/** How often the lease file is checked. */
const LEASE_POLL_MS = 500;

async function shellIn(root: string): Promise<string> {
  for (const candidate of ['/bin/bash', '/usr/bin/bash']) {
    try {
      await fs.access(path.join(root, candidate));
      return candidate;
    } catch {
      // not there
    }
  }
  return '/bin/sh';
}

/** Runs argv on our terminal (same process group: an interactive nspawn owns the terminal); resolves with its exit code. */
async function run(argv: string[], stdin: 'inherit' | number = 'inherit'): Promise<{ done: Promise<number>; stop: () => void }> {
  const child: RunningProcess = await startProcess(argv, {
    stdin,
    stdout: 'inherit',
    stderr: 'inherit',
    processGroup: false,
    // nspawn takes its container down on SIGTERM only, also when makeimg dies.
    deathSignal: 'SIGTERM',
  });
  const done = child.done.then((end) => {
    if (end.kind === 'unavailable') throw new Error(end.reason);
    if (end.kind === 'ok' || (end.kind === 'failed' && end.exitCode !== undefined)) return end.exitCode!;
    return 128;
  });
  return { done, stop: () => void child.stop() };
}

export function shellNspawnArgv(o: { root: string; ephemeral: boolean; boot: boolean; interactive: boolean; command: string[] }): string[] {
  const argv = ['systemd-nspawn', '--quiet', `--machine=${uniqueMachineName()}`, `--directory=${o.root}`];
  if (!systemdIsPid1()) argv.push(...NO_SYSTEMD_FLAGS);
  // The postinstall hook's rules: the host's DNS bound for the session only, the image's timezone kept.
  argv.push('--resolv-conf=bind-host', '--timezone=off', `--console=${o.interactive ? 'interactive' : 'pipe'}`);
  if (o.ephemeral) argv.push('--volatile=overlay');
  // A booted init halts on SIGTERM; a shell as the container's PID 1 ignores the halt request, so it is killed.
  // A booted init needs CAP_SYS_ADMIN; a shell gets what the hooks get.
  if (o.boot) argv.push('--boot');
  else argv.push(`--drop-capability=${INSTALLER_DROPPED_CAPABILITIES.join(',')}`, '--kill-signal=SIGKILL', '--', ...o.command);
  return argv;
}

export async function runShell(image: string, o: ShellOptions): Promise<number> {
  checkHost();
  const imagePath = path.resolve(image);
  let st;
  try {
    st = await fs.stat(imagePath);
  } catch {
    o.err.write(`makeimg shell: ${imagePath}: no such image\n`);
    return EXIT.INVALID;
  }
  const archived = !st.isDirectory();
  if (archived && classifyImageName(path.basename(imagePath)).kind !== 'archive') {
    o.err.write(`makeimg shell: ${imagePath} is neither a directory image nor a .tar* archive\n`);
    return EXIT.INVALID;
  }
  if (o.callerUid !== undefined && o.boot) {
    o.err.write("makeimg shell: --boot runs the image's init with CAP_SYS_ADMIN: run it as root (sudo), not through pkexec\n");
    return EXIT.INVALID;
  }
  const notYours = (uid: number): string =>
    `${imagePath} belongs to uid ${uid}, not to you: through pkexec, makeimg shell opens only your own images`;

  let stopping: NodeJS.Signals | undefined;
  let current: Awaited<ReturnType<typeof run>> | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    stopping = sig;
    current?.stop();
  };
  const leaseTimer = o.lease
    ? setInterval(() => {
        fs.access(o.lease!).catch(() => {
          if (!stopping) onSignal('SIGHUP');
        });
      }, LEASE_POLL_MS)
    : undefined;
  // A closed terminal makes writes fail (EIO): the clean-up must still run.
  const ignore = (): void => undefined;
  process.stderr.on('error', ignore);
  process.stdout.on('error', ignore);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  // An interactive nspawn owns the terminal: Ctrl+C goes to the container, not to us.
  for (const sig of signals) process.on(sig, onSignal);
  let temporary: string | undefined;
  let archive: fs.FileHandle | undefined;
  let holder: MountHolder | undefined;
  try {
    let root = imagePath;
    // Where this process sees the root (through the holder's namespace when the image is held).
    let seen = imagePath;
    if (archived) {
      // Checked and read on one descriptor: a name swapped after the check changes nothing.
      archive = await fs.open(imagePath, 'r');
      const owner = (await archive.stat()).uid;
      if (o.callerUid !== undefined && owner !== o.callerUid) {
        o.err.write(`makeimg shell: ${notYours(owner)}\n`);
        return EXIT.INVALID;
      }
      temporary = await fs.mkdtemp(path.join(tmpdir(), SHELL_DIR_PREFIX));
      o.err.write(`makeimg shell: extracting ${imagePath} into ${temporary} (removed when the shell ends)\n`);
      const tar = findOnPath('tar');
      if (!tar) throw new Error('tar not found on PATH');
      current = await run(
        [
          tar,
          '--extract',
          // The checked descriptor by a path, so tar still recognises the compression (it does not on --file=-).
          '--file=/proc/self/fd/0',
          `--directory=${temporary}`,
          '--numeric-owner',
          '--same-permissions',
          '--xattrs',
          '--xattrs-include=*',
          '--acls',
        ],
        archive.fd,
      );
      const code = await current.done;
      if (stopping) return EXIT.CANCELLED;
      if (code !== 0) {
        o.err.write(`makeimg shell: could not extract ${imagePath} (tar exit ${code})\n`);
        return EXIT.BUILD_FAILED;
      }
      root = temporary;
      seen = temporary;
    } else if (o.callerUid !== undefined) {
      const callerUid = o.callerUid;
      holder = await MountHolder.start();
      const held = await holder.hold(imagePath, imagePath, 'image', {
        noFollow: false,
        check: (dir) => {
          if (dir.uid !== callerUid) throw new Error(notYours(dir.uid));
        },
      });
      root = held.inside;
      seen = held.path;
    }
    const command = o.command.length > 0 ? o.command : [await shellIn(seen)];
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    let argv = shellNspawnArgv({ root, ephemeral: !archived, boot: o.boot, interactive, command });
    if (!o.boot) {
      const devices = await hookDevicePolicy((text) => o.err.write(`makeimg shell: warning: ${text}\n`));
      if (devices) argv = devices.enter(argv);
    }
    if (holder) argv = holder.enter(argv);
    current = await run(argv);
    const code = await current.done;
    return stopping ? EXIT.CANCELLED : code;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    if (leaseTimer) clearInterval(leaseTimer);
    await archive?.close();
    await holder?.stop();
    if (temporary) {
      await fs.rm(temporary, { recursive: true, force: true });
      o.err.write(`makeimg shell: removed ${temporary}\n`);
    }
  }
}
