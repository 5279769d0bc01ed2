/**
 * Scans a `.tar*` image without extracting it: one pass through its
 * decompressor (shared/tar-file.ts), keeping every member's metadata and the
 * content of the few files the checks read.
 */
import type { ImageEntry } from '../../../shared/image-entry';
import { readTarFile } from '../../../shared/tar-file';
import { CONTENT_MAX_BYTES, CONTENT_PATHS, type ImageScan } from './scan';

export async function scanArchive(imagePath: string, signal?: AbortSignal): Promise<ImageScan> {
  const entries: ImageEntry[] = [];
  const contents = new Map<string, Buffer>();
  await readTarFile(
    imagePath,
    {
      onEntry: (entry) => {
        const { offset: _offset, sparse: _sparse, ...metadata } = entry;
        entries.push(metadata);
        return CONTENT_PATHS.has(entry.path) ? CONTENT_MAX_BYTES : undefined;
      },
      onContent: (entry, content) => contents.set(entry.path, content),
    },
    { signal },
  );
  return { entries, contents, notes: [] };
}
