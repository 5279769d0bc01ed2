/**
 * Where images go: `img_dir_base` from the command line, else from
 * ~/.config/makeimg.conf of the user who invoked makeimg (through sudo or
 * pkexec, never root's own file), else ./img. Relative paths are relative to
 * the project directory ($src_dir), as in the original, which ran there.
 */
import { constants, closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR_KEY, CONFIG_FILE, DEFAULT_IMG_DIR_BASE, IMG_DIR_BASE_KEY } from '../../shared/contract';
import { DEFAULT_CACHE_DIR } from './cache/store';
import { expandHome } from '../../shared/paths';
import { InvalidInputError } from './errors';

export interface InvokingUser {
  name?: string;
  uid?: number;
  /** The primary group, when found in the passwd file (outputs are handed to uid:gid). */
  gid?: number;
  home: string;
}

export interface ImgDirBase {
  path: string;
  /** Where the value came from, for `makeimg check` and error messages. */
  source: 'argument' | 'config' | 'default';
  configFile?: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function readPasswd(passwdFile: string): PasswdEntry[] {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return [];
  }
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!)) {
      entries.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! });
    }
  }
  return entries;
}

/**
 * The user who ran makeimg. PKEXEC_UID wins: pkexec sets it and clears the
 * rest of the environment, so it cannot be injected (and a SUDO_USER next to
 * it can: `pkexec env SUDO_USER=...`). SUDO_USER counts only without pkexec
 * and when SUDO_UID names the same user. Else the current user with $HOME.
 */
export function invokingUser(env: NodeJS.ProcessEnv, passwdFile = '/etc/passwd'): InvokingUser {
  const pkexecUid = env.PKEXEC_UID;
  const sudoUser = env.SUDO_USER;
  let entry: PasswdEntry | undefined;
  if (pkexecUid !== undefined) {
    if (/^\d+$/.test(pkexecUid)) entry = readPasswd(passwdFile).find((e) => e.uid === Number(pkexecUid));
  } else if (sudoUser && env.SUDO_UID !== undefined && /^\d+$/.test(env.SUDO_UID)) {
    entry = readPasswd(passwdFile).find((e) => e.name === sudoUser && e.uid === Number(env.SUDO_UID));
  }
  if (entry) return { name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home };
  return { home: env.HOME || '/root', uid: process.getuid?.(), gid: process.getgid?.() };
}

/** The user's primary and supplementary groups (from /etc/group), as the user's processes have them. */
function groupsOf(user: InvokingUser, groupFile = '/etc/group'): number[] {
  const groups = new Set<number>([user.gid ?? user.uid!]);
  let text = '';
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    // no supplementary groups
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (user.name && f.length >= 4 && /^\d+$/.test(f[2]!) && f[3]!.split(',').includes(user.name)) groups.add(Number(f[2]));
  }
  return [...groups];
}

/**
 * Runs `act` (synchronous: nothing else runs meanwhile) with `user`'s
 * effective uid, gid and groups when root acts for another user: what it
 * touches, it touches with their permissions.
 */
export function asUser<T>(user: InvokingUser, act: () => T): T {
  const asOther = process.geteuid?.() === 0 && user.uid !== undefined && user.uid !== 0;
  if (!asOther) return act();
  const savedGroups = process.getgroups!();
  try {
    process.setgroups!(groupsOf(user));
    process.setegid!(user.gid ?? user.uid!);
    process.seteuid!(user.uid!);
    return act();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
    process.setgroups!(savedGroups);
  }
}

/**
 * The user pkexec ran makeimg for, unless root. A polkit rule may let
 * non-administrators use makeimg (org.makeimg.build), so for them root
 * creates, replaces and removes only in directories they own
 * (docs/security.md).
 */
export function pkexecCaller(env: NodeJS.ProcessEnv, passwdFile?: string): InvokingUser | undefined {
  if (env.PKEXEC_UID === undefined || !/^\d+$/.test(env.PKEXEC_UID) || Number(env.PKEXEC_UID) === 0) return undefined;
  const user = invokingUser(env, passwdFile);
  // An unknown uid: still that uid, never root's authority.
  return user.uid === Number(env.PKEXEC_UID) ? user : { uid: Number(env.PKEXEC_UID), gid: Number(env.PKEXEC_UID), home: '/nonexistent' };
}

/** makeimg.conf is a few lines; anything bigger is not one. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * The text of `file` as `user` could read it, or undefined when it does not
 * exist. Root opens it with the user's effective ids (a link to a file only
 * root can read fails as it would for the user), never blocking (O_NONBLOCK:
 * a FIFO is refused, not waited on); only a regular file of at most
 * MAX_CONFIG_BYTES is read.
 */
export function readConfigAs(user: InvokingUser, file: string): string | undefined {
  let fd: number;
  try {
    fd = asUser(user, () => openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InvalidInputError(
      `cannot read ${file}${user.name ? ` as ${user.name}` : ''}: ${code === 'EACCES' ? 'permission denied' : code}`,
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InvalidInputError(`${file} is not a regular file`);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > MAX_CONFIG_BYTES) throw new InvalidInputError(`${file} is larger than ${MAX_CONFIG_BYTES} bytes: not a makeimg.conf`);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Strip one level of matching shell quotes. */
function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

/**
 * The `key` value (default img_dir_base) of a makeimg.conf text, or
 * undefined. Parsed like the original makeimg's bashlib cfg_parse:
 * `key = value` lines, keys case-insensitive, spaces around `=` trimmed, `#`
 * comment lines and inline ` # comments` dropped, one level of quotes
 * removed; the last line wins.
 */
export function parseConfig(text: string, key = IMG_DIR_BASE_KEY): string | undefined {
  let value: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || m[1]!.toLowerCase() !== key.toLowerCase()) continue;
    value = unquote(stripInlineComment(m[2]!).trim());
  }
  return value || undefined;
}

/** `value # note` -> `value`; a `#` inside quotes or without a space before it stays. */
function stripInlineComment(value: string): string {
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && i > 0 && /\s/.test(value[i - 1]!)) {
      return value.slice(0, i);
    }
  }
  return value;
}

/** The invoking user's makeimg.conf value of `key`, with where it came from. */
function configValue(key: string, user: InvokingUser): { value?: string; configFile: string } {
  const configFile = path.join(user.home, CONFIG_FILE);
  const text = readConfigAs(user, configFile);
  return { value: text === undefined ? undefined : parseConfig(text, key), configFile };
}

/**
 * The install cache's directory: `--cache-dir`, else `cache_dir=` in the
 * invoking user's makeimg.conf (~ is their home), else /var/cache/makeimg.
 * Relative paths are relative to the project directory, like img_dir_base.
 */
export function resolveCacheDir(argument: string | undefined, srcDir: string, env: NodeJS.ProcessEnv, passwdFile?: string): string {
  const user = invokingUser(env, passwdFile);
  const value = argument ?? configValue(CACHE_DIR_KEY, user).value;
  return value ? path.resolve(srcDir, expandHome(value, user.home)) : DEFAULT_CACHE_DIR;
}

export function resolveImgDirBase(argument: string | undefined, srcDir: string, env: NodeJS.ProcessEnv, passwdFile?: string): ImgDirBase {
  const user = invokingUser(env, passwdFile);
  if (argument) return { path: path.resolve(srcDir, expandHome(argument, user.home)), source: 'argument' };
  const { value: configured, configFile } = configValue(IMG_DIR_BASE_KEY, user);
  if (configured) {
    return { path: path.resolve(srcDir, expandHome(configured, user.home)), source: 'config', configFile };
  }
  return { path: path.resolve(srcDir, DEFAULT_IMG_DIR_BASE), source: 'default' };
}
