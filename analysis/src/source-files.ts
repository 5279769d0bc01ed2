/**
 * What is on disk next to an image.sh: the probe the file rules (MKIMG013)
 * read. Plain node:fs, no LSP, so the command-line linter can use it too.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFiles } from './rules';

/** What lies at paths relative to `directory`, read from disk on each call (the rules ask a few paths per run). */
export function sourceFilesIn(directory: string): SourceFiles {
  return {
    kind(relativePath) {
      try {
        const stats = statSync(join(directory, relativePath));
        return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
      } catch {
        return 'missing';
      }
    },
  };
}

/** The directory of an image.sh file, if it exists (an unsaved or remote document has none). */
export function existingDirectoryOf(file: string): string | undefined {
  const directory = dirname(file);
  try {
    return statSync(directory).isDirectory() ? directory : undefined;
  } catch {
    return undefined;
  }
}

/** The directory of a `file:` document URI, if it exists on disk. */
export function imageDirectoryOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return existingDirectoryOf(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/** The probe for a document URI, or undefined when it has no directory on disk (the file rules then stay silent). */
export function sourceFilesFor(uri: string): SourceFiles | undefined {
  const directory = imageDirectoryOf(uri);
  return directory === undefined ? undefined : sourceFilesIn(directory);
}
