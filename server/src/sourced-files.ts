/**
 * The files an open image.sh sources, for the editor: the combined facts of
 * image.sh and those files (analysis/src/sourced), cached per document
 * version and invalidated when a sourced file changes (in an open editor, or
 * on disk through the file watcher). A sourced file open in the editor is read
 * from the editor, otherwise from disk (re-read when its mtime changes).
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { factsWithParser } from '../../analysis/src/analysis';
import { SOURCED_LINE_BASE, type DocumentFacts, type Range } from '../../analysis/src/facts';
import type { Parser } from '../../analysis/src/parser';
import { combineSourced, locate, type LoadedFile } from '../../analysis/src/sourced';
import { inLspCoordinates, lspLines } from './coordinates';
import { MAX_ANALYZED_CHARS, type DocumentStore, type OpenDocument } from './documents';

interface DiskEntry {
  mtimeMs: number;
  size: number;
  facts: DocumentFacts;
  lines: string[];
}

/** A location in image.sh or one of its sourced files. */
export interface FileLocation {
  uri: string;
  range: Range;
}

export class SourcedFiles {
  private readonly disk = new Map<string, DiskEntry>();
  private readonly combinedCache = new Map<string, { version: number; generation: number; facts: DocumentFacts }>();
  /** Bumped whenever a file some image.sh may source changes. */
  private generation = 0;

  constructor(
    private readonly documents: DocumentStore,
    private readonly parser: Parser,
  ) {}

  /** image.sh's facts together with the files it sources (its own facts when it sources none, or is not on disk). */
  combined(document: OpenDocument): DocumentFacts | undefined {
    const facts = document.facts();
    if (!facts || !document.uri.startsWith('file:')) return facts;
    const cached = this.combinedCache.get(document.uri);
    if (cached && cached.version === document.version && cached.generation === this.generation) return cached.facts;
    const combined = combineSourced(facts, fileURLToPath(document.uri), (path) => this.load(path));
    this.combinedCache.set(document.uri, { version: document.version, generation: this.generation, facts: combined });
    return combined;
  }

  /** A file changed (edited, saved, created, deleted): every combination may be stale. Returns whether any image.sh read it. */
  changed(uri: string): boolean {
    if (!uri.startsWith('file:')) return false;
    const path = fileURLToPath(uri);
    this.disk.delete(path);
    // Read by a combination, or one is waiting for a file that may have just appeared.
    const used = [...this.combinedCache.values()].some(
      ({ facts }) =>
        facts.sourced?.files.some((f) => f.path === path) ||
        facts.sourced?.resolutions.some((r) => r.kind === 'missing' || r.kind === 'not-a-file'),
    );
    if (used) this.generation++;
    return used === true;
  }

  forget(uri: string): void {
    this.combinedCache.delete(uri);
  }

  /** Where a range of the combined facts of `document` is. */
  locate(document: OpenDocument, facts: DocumentFacts, range: Range): FileLocation {
    const where = locate(facts, range);
    return { uri: where.file ? pathToFileURL(where.file.path).href : document.uri, range: where.range };
  }

  /** The text of a line of the combined facts (a sourced file's line for virtual lines). */
  lineText(document: OpenDocument, facts: DocumentFacts, line: number): string {
    if (line < SOURCED_LINE_BASE) return document.lineText(line);
    const file = facts.sourced?.files[Math.floor(line / SOURCED_LINE_BASE) - 1];
    if (!file) return '';
    const open = this.documents.get(pathToFileURL(file.path).href);
    const own = line % SOURCED_LINE_BASE;
    return open ? open.lineText(own) : (this.disk.get(file.path)?.lines[own] ?? '');
  }

  private load(path: string): LoadedFile {
    const open = this.documents.get(pathToFileURL(path).href);
    if (open) {
      const facts = open.facts();
      return facts ? { kind: 'file', facts } : { kind: 'not-a-file' };
    }
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return { kind: 'missing' };
    }
    if (!stats.isFile() || stats.size > MAX_ANALYZED_CHARS * 4) return { kind: 'not-a-file' };
    const known = this.disk.get(path);
    if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return { kind: 'file', facts: known.facts };
    try {
      const text = readFileSync(path, 'utf8');
      const facts = inLspCoordinates(factsWithParser(this.parser, text), text);
      this.disk.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, facts, lines: lspLines(text) });
      return { kind: 'file', facts };
    } catch {
      return { kind: 'missing' };
    }
  }
}
