/**
 * The build report (the `report` event of `makeimg --json`, `makeimg
 * inspect`, the editor's report view and Problems entries): what is in an
 * image, where its size goes, its special files, and the hygiene findings
 * with stable codes (IMAGE_CHECKS).
 */
import { DO_INSTALL, DO_POSTINSTALL } from './contract';

export interface SizeShare {
  /** `/usr`, `/usr/lib`; `/` for files directly in the image's root (or directly in /usr, /var: `/usr`). */
  path: string;
  bytes: number;
  /** Regular files (names) counted there. */
  files: number;
}

export interface SpecialFile {
  path: string;
  /** Octal permission bits, e.g. `4755`. */
  mode: string;
  uid: number;
  gid: number;
  /** File capabilities in getcap's text form. */
  capabilities?: string;
}

export interface DeviceNode {
  path: string;
  kind: 'char' | 'block';
  major: number;
  minor: number;
}

export interface UnknownOwner {
  kind: 'uid' | 'gid';
  id: number;
  /** How many entries it owns. */
  entries: number;
  /** The first few of them, sorted. */
  examples: string[];
}

export interface ImageFinding {
  code: string;
  /** What was found, with the specifics (paths, sizes). */
  message: string;
  /** Why it makes the image worse (one line). */
  why: string;
  /** Shell lines that fix it, to paste into `hook`. */
  fix: string;
  hook: typeof DO_INSTALL | typeof DO_POSTINSTALL;
  paths: string[];
  /** Bytes involved (caches, lists, logs). */
  bytes?: number;
}

export interface ImageReport {
  /** Content bytes of regular files, each hard-linked file once. */
  totalBytes: number;
  counts: { files: number; directories: number; symlinks: number; devices: number; other: number };
  byTopDir: SizeShare[];
  byUsr: SizeShare[];
  byVar: SizeShare[];
  /** The 20 largest files (a hard-linked file under its first name in path order). */
  largest: { path: string; bytes: number }[];
  setuid: SpecialFile[];
  setgid: SpecialFile[];
  capabilities: SpecialFile[];
  devices: DeviceNode[];
  unknownOwners: UnknownOwner[];
  /** Whether the image has an /etc/passwd and an /etc/group to name owners with. */
  hasPasswd: boolean;
  hasGroup: boolean;
  findings: ImageFinding[];
  /** Codes silenced by image_checks_disable or `# makeimg-disable`, with how many findings each hid. */
  suppressed: { code: string; findings: number }[];
}

export interface ImageCheck {
  code: string;
  /** Short name (docs, completion). */
  title: string;
  /** One line: why it makes the image worse. */
  why: string;
}

/** The hygiene checks, in report order. Codes are stable: never renumber. */
export const IMAGE_CHECKS = [
  {
    code: 'MKIMG101',
    title: 'machine-id set',
    why: 'every container from this image would share one machine id; systemd expects /etc/machine-id empty or absent in an image and fills it at first boot',
  },
  {
    code: 'MKIMG102',
    title: 'D-Bus machine-id set',
    why: 'D-Bus reads /var/lib/dbus/machine-id: every instance would share it (make it a link to /etc/machine-id)',
  },
  {
    code: 'MKIMG103',
    title: "build host's resolv.conf",
    why: "the build host's DNS settings are baked into the image; machined, nspawn and docker provide resolv.conf at run time",
  },
  {
    code: 'MKIMG104',
    title: "build host's hostname",
    why: "the image carries the build host's name; the container manager names each instance",
  },
  {
    code: 'MKIMG105',
    title: 'SSH host keys',
    why: 'every instance would share the same SSH host keys (anyone with the image can impersonate them); generate them at first boot',
  },
  { code: 'MKIMG106', title: 'package cache', why: 'downloaded packages are dead weight in an image' },
  { code: 'MKIMG107', title: 'package lists', why: 'package index files are stale as soon as the image ships and only add size' },
  { code: 'MKIMG108', title: 'log files', why: "the build's logs are not the instance's history" },
  { code: 'MKIMG109', title: 'temporary files', why: 'leftovers of the build in /tmp or /var/tmp ship with every instance' },
  { code: 'MKIMG110', title: 'shell history', why: "a shell history records the build's commands (and sometimes secrets)" },
  {
    code: 'MKIMG111',
    title: 'no os-release',
    why: 'machinectl, docker and buildah tools read /etc/os-release or /usr/lib/os-release to tell what the image is',
  },
  { code: 'MKIMG112', title: 'world-writable files', why: 'any user of an instance can change these files' },
  { code: 'MKIMG113', title: 'setuid not owned by root', why: 'a setuid program owned by another user lets anyone act as that user' },
] as const satisfies readonly ImageCheck[];

export type ImageCheckCode = (typeof IMAGE_CHECKS)[number]['code'];

export function imageCheck(code: string): ImageCheck | undefined {
  return IMAGE_CHECKS.find((c) => c.code === code);
}

/** The comment that silences checks in image.sh: `# makeimg-disable=MKIMG101,MKIMG108`. */
export const DISABLE_COMMENT = 'makeimg-disable';

/** The codes a comment's text silences (`# makeimg-disable=A,B` or `# makeimg-disable A B`); [] for other comments. */
export function disabledByComment(comment: string): string[] {
  const m = new RegExp(`^#\\s*${DISABLE_COMMENT}\\s*[=\\s]\\s*(.*)$`).exec(comment.trim());
  if (!m) return [];
  return m[1]!.split(/[\s,]+/).filter((c) => /^[A-Z]+\d+$/.test(c));
}
