/**
 * A byte order mark that only the file on disk has. Editors drop the mark
 * when they decode a file (VS Code shows "UTF-8 with BOM" and gives the
 * server the text without it) and write it back on save, so bash would
 * still read it. The server looks at the file's first three bytes on each
 * analysis and on each code action (a read of three bytes); MKIMG015 then
 * reports it with a fix the client makes (client/src/editor-side-fixes.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentFacts } from '../../analysis/src/facts';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** `facts` with `encoding.bomOnDisk` set when the text has no mark and the file at `uri` starts with one. */
export function withBomOnDisk(facts: DocumentFacts, uri: string): DocumentFacts {
  if (facts.encoding.bom || !uri.startsWith('file:') || !fileStartsWithBom(uri)) return facts;
  return { ...facts, encoding: { ...facts.encoding, bomOnDisk: true } };
}

function fileStartsWithBom(uri: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(fileURLToPath(uri), 'r');
    const head = Buffer.alloc(UTF8_BOM.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && UTF8_BOM.every((b, i) => head[i] === b);
  } catch {
    // Not on disk (yet), unreadable, a directory: nothing to say.
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
