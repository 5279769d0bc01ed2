/**
 * The hooks' device policy when systemd is not PID 1 (issue 10). do_install
 * and do_postinstall keep CAP_MKNOD (debootstrap creates /dev/null & co in
 * the target), and nspawn only gets a device policy from systemd when it can
 * register a scope. Without one, a hook could create the host's disk as a
 * node and read or write it. So the hooks' containers start in a devices
 * cgroup (cgroup v1, `devices.deny`/`devices.allow`) that allows, for mknod
 * and for use, only the character devices a container's /dev has (the set
 * systemd gives nspawn): null, zero, full, random, urandom, tty, console,
 * ptmx and the pseudo-terminals. No block device at all.
 *
 * One cgroup, `makeimg-hooks`, under this process's own devices cgroup, made
 * once and kept (like /run/makeimg-build): nothing per build is left behind.
 * Where the controller is missing (a cgroup-v2-only host without systemd as
 * PID 1) `devicePolicy` says so, and the hooks run without one.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { systemdIsPid1 } from '../host';

/** The devices v1 hierarchy. */
export const DEVICES_HIERARCHY = '/sys/fs/cgroup/devices';
const CGROUP_NAME = 'makeimg-hooks';

/** What a container's /dev holds (major:minor, character devices), for mknod and use. */
export const ALLOWED_DEVICES = [
  'c 1:3 rwm', // null
  'c 1:5 rwm', // zero
  'c 1:7 rwm', // full
  'c 1:8 rwm', // random
  'c 1:9 rwm', // urandom
  'c 5:0 rwm', // tty
  'c 5:1 rwm', // console
  'c 5:2 rwm', // ptmx
  'c 136:* rw', // the pseudo-terminals (devpts)
] as const;

export interface DevicePolicy {
  /** argv started inside the policy's cgroup (everything it starts stays there). */
  enter(argv: readonly string[]): string[];
}

/** This process's cgroup in the devices hierarchy (/proc/self/cgroup), or undefined without one. */
async function ownDevicesCgroup(): Promise<string | undefined> {
  const text = await fs.readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [, controllers, where] = line.split(':');
    if (controllers?.split(',').includes('devices') && where !== undefined) return where;
  }
  return undefined;
}

/**
 * The policy's cgroup, made and set when needed (written only when its list
 * differs: rewriting it would deny a running build's devices for a moment).
 * undefined: no devices controller here.
 */
export async function devicePolicy(): Promise<DevicePolicy | undefined> {
  const own = await ownDevicesCgroup();
  if (own === undefined || !existsSync(path.join(DEVICES_HIERARCHY, 'devices.list'))) return undefined;
  const dir = path.join(DEVICES_HIERARCHY, own, CGROUP_NAME);
  await fs.mkdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  const wanted = ALLOWED_DEVICES.join('\n');
  const list = (await fs.readFile(path.join(dir, 'devices.list'), 'utf8')).trim();
  if (list !== wanted) {
    await fs.writeFile(path.join(dir, 'devices.deny'), 'a');
    for (const rule of ALLOWED_DEVICES) await fs.writeFile(path.join(dir, 'devices.allow'), rule);
  }
  const procs = path.join(dir, 'cgroup.procs');
  return {
    // The shell joins the cgroup, then becomes the command: nothing it starts runs outside the policy.
    enter: (argv) => ['sh', '-c', 'echo $$ > "$0" && exec "$@"', procs, ...argv],
  };
}

/**
 * The hooks' device policy: systemd's own when it is PID 1 (nspawn registers
 * a scope with one), else makeimg's (device-policy.ts), else a warning.
 */
export async function hookDevicePolicy(warn: (text: string) => void): Promise<DevicePolicy | undefined> {
  if (systemdIsPid1()) return undefined;
  const policy = await devicePolicy();
  if (!policy) {
    warn(
      'no device policy for the hooks: systemd is not PID 1 and this host has no cgroup-v1 devices controller, so do_install and do_postinstall can create and open any device node',
    );
  }
  return policy;
}
