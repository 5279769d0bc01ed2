/**
 * systemd-nspawn command lines for the two places image.sh code runs
 * (shared/contract.ts Place):
 *
 * - 'confined-host': the host's own tree with `/` volatile (a tmpfs with the
 *   host's /usr read-only), /etc and $src_dir bound read-only, $img_dir the
 *   only writable bind. The host network is shared, and the host's /etc
 *   (resolv.conf, localtime) is visible read-only, so nspawn must not touch
 *   either: --resolv-conf=off --timezone=off.
 * - 'rootfs': `-D $img_dir`, the new system. Network is shared; the host's
 *   resolv.conf is bind-mounted over the image's for the hook's lifetime only
 *   (bind-host: nothing of the host is copied into the image), and the
 *   image's timezone is left alone (--timezone=off).
 *
 * Both run the command under nspawn's stub init (--as-pid2) so that daemons
 * a hook starts are reaped, and SIGTERM to nspawn kills the container's PID
 * 1, which takes every process of the container down with it.
 */
import type { Place } from '../../../shared/contract';
import { systemdIsPid1 } from '../host';

/**
 * The powers of the code in a container (docs/security.md):
 * - 'none' (image.sh's top level: resolve, `makeimg check`): a user
 *   namespace (container root is an unprivileged host uid, no capability on
 *   the host), no network; host files it sees are read-only, the binds it
 *   needs are idmapped so host-root-owned files read as root's.
 * - 'installer' (do_install, do_postinstall): real root for installers
 *   (chown, mknod of /dev nodes in the target) but without CAP_SYS_ADMIN (no
 *   mount or remount at all, so no host file system can be mounted or made
 *   writable), CAP_NET_RAW (the network is the host's: no sniffing) and
 *   CAP_AUDIT_CONTROL (the audit rules are the host's).
 */
export type Privilege = 'none' | 'installer';

/** Capabilities the hooks lose (nspawn's default set minus these). */
export const INSTALLER_DROPPED_CAPABILITIES = ['CAP_SYS_ADMIN', 'CAP_NET_RAW', 'CAP_AUDIT_CONTROL'] as const;

/** A host path bound into the container. */
export interface Bind {
  host: string;
  container: string;
  writable: boolean;
}

export interface NspawnOptions {
  place: Place;
  privilege: Privilege;
  /** A unique machine name, so concurrent builds never share nspawn state. */
  machine: string;
  /** The control directory's binds (control-dir.ts: the driver read-only, outputs as single writable files). */
  control: Bind[];
  /** $src_dir (confined-host only). */
  srcDir?: string;
  /** $img_dir: writable in the confined host (at this path), the root in 'rootfs'. Absent while evaluating. */
  imgDir?: string;
  /** Where nspawn finds $img_dir when not at its name: the held directory (held-dirs.ts). */
  imgDirSource?: string;
  env?: Record<string, string>;
  /** The command to run in the container. */
  command: string[];
  /** Override for tests; default: detect. */
  systemdIsPid1?: boolean;
}

/** nspawn flags needed when systemd is not PID 1 (containers, CI): no machined, no scope, no journal. */
export const NO_SYSTEMD_FLAGS = ['--register=no', '--keep-unit', '--link-journal=no'] as const;

/** Flags of a user-namespaced container: a fresh uid range, no chown of the tree (it is the host's, read-only). */
export const USER_NAMESPACE_FLAGS = ['--private-users=pick', '--private-users-ownership=off', '--private-network'] as const;

export function nspawnArgv(o: NspawnOptions): string[] {
  const argv = ['systemd-nspawn', '--quiet', '--console=pipe', '--as-pid2', '--kill-signal=SIGKILL', `--machine=${o.machine}`];
  if (!(o.systemdIsPid1 ?? systemdIsPid1())) argv.push(...NO_SYSTEMD_FLAGS);
  const userNamespace = o.privilege === 'none';
  if (userNamespace) argv.push(...USER_NAMESPACE_FLAGS);
  else argv.push(`--drop-capability=${INSTALLER_DROPPED_CAPABILITIES.join(',')}`);
  // In a user namespace, host root's files would read as nobody's: idmapped binds show them as root's.
  const bind = (b: Bind): string =>
    `--bind${b.writable ? '' : '-ro'}=${bindPath(b.host)}:${bindPath(b.container)}${userNamespace ? ':idmap' : ''}`;
  if (o.place === 'confined-host') {
    if (!o.srcDir) throw new Error('confined-host needs srcDir');
    argv.push(
      '--volatile=yes',
      '--directory=/',
      '--bind-ro=/etc',
      bind({ host: o.srcDir, container: o.srcDir, writable: false }),
      `--chdir=${o.srcDir}`,
      '--resolv-conf=off',
      '--timezone=off',
      ...o.control.map(bind),
    );
    if (o.imgDir) argv.push(bind({ host: o.imgDirSource ?? o.imgDir, container: o.imgDir, writable: true }));
  } else {
    if (!o.imgDir) throw new Error('rootfs needs imgDir');
    if (userNamespace) throw new Error('the rootfs runs only hooks');
    argv.push(`--directory=${o.imgDirSource ?? o.imgDir}`, '--resolv-conf=bind-host', '--timezone=off', ...o.control.map(bind));
  }
  for (const [k, v] of Object.entries(o.env ?? {})) argv.push(`--setenv=${k}=${v}`);
  argv.push('--', ...o.command);
  return argv;
}

/** nspawn's --bind syntax splits on ':'; a colon in a path must be escaped. */
function bindPath(p: string): string {
  return p.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

const NSPAWN_NOISE = [
  // When /run is not a tmpfs (containers) nspawn refuses, rightly, to rm -rf
  // its propagation directory, and says so on every exit.
  /^Attempted to remove disk file system under "\/run\/systemd\/nspawn\/propagate\/.*", and we can't allow that\.$/,
  // On cancellation makeimg reports what happened itself.
  /^Trying to halt container\. Send SIGTERM again to trigger immediate termination\.$/,
  /^Container makeimg-\d+-\d+ terminated by signal KILL\.$/,
];

/** nspawn's own chatter that means nothing to the user. */
export function isNspawnNoise(line: string): boolean {
  return NSPAWN_NOISE.some((re) => re.test(line));
}

let machineCounter = 0;

/** A machine name unique to this process and call. */
export function uniqueMachineName(): string {
  machineCounter += 1;
  return `makeimg-${process.pid}-${machineCounter}`;
}
