/**
 * What the host must offer before a build: root, systemd-nspawn, bash and
 * util-linux's unshare, nsenter and mount.
 * Compressors are checked per image suffix by the archive stage's module.
 */
import { existsSync } from 'node:fs';
import { findOnPath } from '../../shared/find-on-path';
import { InvalidInputError } from './errors';

/** systemd runs as PID 1 exactly when this directory exists (sd_booted()). */
export function systemdIsPid1(): boolean {
  return existsSync('/run/systemd/system');
}

/** unshare, nsenter and mount hold the build's directories (confine/held-dirs.ts). */
const REQUIRED_TOOLS = ['systemd-nspawn', 'bash', 'unshare', 'nsenter', 'mount'] as const;

function missingTools(searchPath = process.env.PATH ?? ''): string[] {
  return REQUIRED_TOOLS.filter((t) => !findOnPath(t, searchPath));
}

export function isRoot(): boolean {
  return process.geteuid?.() === 0;
}

/** Throws InvalidInputError when makeimg cannot build on this host. */
export function checkHost(): void {
  if (!isRoot()) {
    throw new InvalidInputError('makeimg must run as root (try: sudo makeimg); it builds with systemd-nspawn');
  }
  const missing = missingTools();
  if (missing.length > 0) {
    throw new InvalidInputError(
      `required tools not found on PATH: ${missing.join(', ')} (systemd-nspawn is in the systemd-container package; unshare and nsenter in util-linux, mount in mount)`,
    );
  }
}
