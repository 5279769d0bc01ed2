/**
 * Where images go: `img_dir_base` from the command line, else from
 * ~/.config/makeimg.conf of the user who invoked makeimg (through sudo or
 * pkexec, never root's own file), else ./img. Relative paths are relative to
 * the project directory ($src_dir), as in the original, which ran there.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR_KEY, CONFIG_FILE, DEFAULT_IMG_DIR_BASE, IMG_DIR_BASE_KEY } from '../../shared/contract';
import { DEFAULT_CACHE_DIR } from './cache/store';
import { expandHome } from '../../shared/paths';

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

interface PasswdEntry { name: string; uid: number; gid: number; home: string }

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
    if (f.length >= 7 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!)) entries.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! });
  }
  return entries;
}

/**
 * The user who ran makeimg: SUDO_USER (sudo) or PKEXEC_UID (pkexec) looked up
 * in the passwd file, else the current user with $HOME.
 */
export function invokingUser(env: NodeJS.ProcessEnv, passwdFile = '/etc/passwd'): InvokingUser {
  const sudoUser = env.SUDO_USER;
  const pkexecUid = env.PKEXEC_UID;
  if (sudoUser || pkexecUid) {
    const entries = readPasswd(passwdFile);
    const entry = sudoUser
      ? entries.find((e) => e.name === sudoUser)
      : entries.find((e) => e.uid === Number(pkexecUid));
    if (entry) return { name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home };
  }
  return { home: env.HOME || '/root', uid: process.getuid?.(), gid: process.getgid?.() };
}

/** Strip one level of matching shell quotes. */
function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

/**
 * The `key=...` value (default img_dir_base) of a makeimg.conf text
 * (shell-style `key=value` lines, `#` comments, optional quotes), or undefined.
 */
export function parseConfig(text: string, key = IMG_DIR_BASE_KEY): string | undefined {
  let value: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m && m[1] === key) value = unquote(m[2]!.trim());
  }
  return value || undefined;
}

/** The invoking user's makeimg.conf value of `key`, with where it came from. */
function configValue(key: string, user: InvokingUser): { value?: string; configFile: string } {
  const configFile = path.join(user.home, CONFIG_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    text = undefined;
  }
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

export function resolveImgDirBase(
  argument: string | undefined,
  srcDir: string,
  env: NodeJS.ProcessEnv,
  passwdFile?: string,
): ImgDirBase {
  const user = invokingUser(env, passwdFile);
  if (argument) return { path: path.resolve(srcDir, expandHome(argument, user.home)), source: 'argument' };
  const { value: configured, configFile } = configValue(IMG_DIR_BASE_KEY, user);
  if (configured) {
    return { path: path.resolve(srcDir, expandHome(configured, user.home)), source: 'config', configFile };
  }
  return { path: path.resolve(srcDir, DEFAULT_IMG_DIR_BASE), source: 'default' };
}
