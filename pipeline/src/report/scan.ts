/**
 * What the report reads from an image: every entry's metadata, and the
 * content of a few small files the checks look into. Two sources give the
 * same scan: a directory walk (the tree being archived, scan-tree.ts) and a
 * tar stream (an existing archive, scan-archive.ts).
 */
import type { ImageEntry } from '../../../shared/image-entry';

export interface ImageScan {
  entries: ImageEntry[];
  /** Content of the CONTENT_PATHS that are regular files (at most CONTENT_MAX_BYTES each). */
  contents: Map<string, Buffer>;
  /** What could not be read (e.g. capabilities without getfattr). */
  notes: string[];
}

/** The files whose content the report needs (owner names, machine ids, the build host's leftovers). */
export const CONTENT_PATHS: ReadonlySet<string> = new Set([
  '/etc/passwd',
  '/etc/group',
  '/etc/machine-id',
  '/var/lib/dbus/machine-id',
  '/etc/resolv.conf',
  '/etc/hostname',
]);

/** More than any of these files holds in a sane image; a huge one is read only this far. */
export const CONTENT_MAX_BYTES = 1024 * 1024;
