/**
 * The files an open image.sh sources, for the editor: the combined facts of
 * image.sh and those files (analysis/src/sourced), cached per image.sh text
 * and invalidated when a sourced file changes (in an open editor, or on disk
 * through the file watcher). A sourced file open in the editor is read from
 * the editor, otherwise from disk (re-read when its mtime changes).
 *
 * Features ask for a `SourcedView` of the document they are asked about: an
 * image.sh sees its own combination; a shell script sees the combination of
 * an image.sh that sources it (an open one first, else the nearest image.sh
 * on disk in its directory or above, since a followed file lies inside the
 * image.sh directory), so navigation works from inside a sourced file too.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { factsWithParser } from '../../analysis/src/analysis';
import { SOURCED_LINE_BASE, type DocumentFacts, type Position, type Range } from '../../analysis/src/facts';
import type { Parser } from '../../analysis/src/parser';
import { combineSourced, locate, type LoadedFile } from '../../analysis/src/sourced';
import { IMAGE_FILE_NAME } from '../../shared/contract';
import { inLspCoordinates, lspLines } from './coordinates';
import { isImageDocument, MAX_ANALYZED_CHARS, type DocumentStore, type OpenDocument } from './documents';

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

/** A document seen through the combined facts of an image.sh (itself, or one that sources it). */
export interface SourcedView {
  /** The image.sh whose combination this is. */
  imageUri: string;
  /** image.sh's facts together with the files it sources. */
  facts: DocumentFacts;
  /** Where the document starts in `facts`: 0 for image.sh itself, the file's line base for a sourced file. */
  lineBase: number;
}

/** A position of the viewed document in the view's facts. */
export function toView(view: SourcedView, position: Position): Position {
  return { line: position.line + view.lineBase, character: position.character };
}

/** A range of the view's facts that lies in the viewed document, in that document's lines. */
export function fromView(view: SourcedView, range: Range): Range {
  const shift = (p: Position): Position => ({ line: p.line - view.lineBase, character: p.character });
  return { start: shift(range.start), end: shift(range.end) };
}

export class SourcedFiles {
  private readonly disk = new Map<string, DiskEntry>();
  /** Per image.sh URI: the combination, valid while image.sh's facts (same object) and the generation are. */
  private readonly combinedCache = new Map<string, { main: DocumentFacts; generation: number; facts: DocumentFacts }>();
  /** Bumped whenever a file some image.sh may source changes. */
  private generation = 0;

  constructor(
    private readonly documents: DocumentStore,
    /** The process parser (see DocumentStore). */
    private readonly parser: () => Parser,
  ) {}

  /** image.sh's facts together with the files it sources (its own facts when it sources none, or is not on disk). */
  combined(document: OpenDocument): DocumentFacts | undefined {
    const facts = document.facts();
    if (!facts || !document.uri.startsWith('file:')) return facts;
    return this.combine(document.uri, facts);
  }

  /**
   * The view of `document` for editor features: an image.sh's own
   * combination; for another file, the combination of an image.sh that
   * sources it (undefined when none does).
   */
  view(document: OpenDocument): SourcedView | undefined {
    if (isImageDocument(document.textDocument)) {
      const facts = this.combined(document);
      return facts && { imageUri: document.uri, facts, lineBase: 0 };
    }
    if (!document.uri.startsWith('file:')) return undefined;
    const path = fileURLToPath(document.uri);
    const viewOf = (imageUri: string, facts: DocumentFacts | undefined): SourcedView | undefined => {
      const file = facts?.sourced?.files.find((f) => f.path === path);
      return facts && file && { imageUri, facts, lineBase: file.lineBase };
    };
    for (const open of this.documents.all()) {
      if (open.uri === document.uri || !isImageDocument(open.textDocument) || !open.uri.startsWith('file:')) continue;
      const view = viewOf(open.uri, this.combined(open));
      if (view) return view;
    }
    // A followed file lies inside the image.sh directory: look in its directory and above.
    for (let directory = dirname(path); ; directory = dirname(directory)) {
      const imageUri = pathToFileURL(join(directory, IMAGE_FILE_NAME)).href;
      if (!this.documents.get(imageUri)) {
        const view = viewOf(imageUri, this.imageFacts(imageUri));
        if (view) return view;
      }
      if (dirname(directory) === directory) return undefined;
    }
  }

  /** The view of an image.sh itself (open, or on disk), e.g. for a call hierarchy item. */
  imageView(imageUri: string): SourcedView | undefined {
    const facts = this.imageFacts(imageUri);
    return facts && { imageUri, facts, lineBase: 0 };
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

  /** Where a range of the view's facts is. */
  locate(view: SourcedView, range: Range): FileLocation {
    const where = locate(view.facts, range);
    return { uri: where.file ? pathToFileURL(where.file.path).href : view.imageUri, range: where.range };
  }

  /** The text of a line of the view's facts (a sourced file's line for virtual lines). */
  lineText(view: SourcedView, line: number): string {
    const file = line < SOURCED_LINE_BASE ? undefined : view.facts.sourced?.files[Math.floor(line / SOURCED_LINE_BASE) - 1];
    if (line >= SOURCED_LINE_BASE && !file) return '';
    const path = file ? file.path : fileURLToPath(view.imageUri);
    const own = line % SOURCED_LINE_BASE;
    const open = this.documents.get(pathToFileURL(path).href);
    return open ? open.lineText(own) : (this.disk.get(path)?.lines[own] ?? '');
  }

  /** The combined facts of the image.sh at `imageUri`, open in the editor or on disk. */
  private imageFacts(imageUri: string): DocumentFacts | undefined {
    const open = this.documents.get(imageUri);
    if (open) return this.combined(open);
    if (!imageUri.startsWith('file:')) return undefined;
    const loaded = this.load(fileURLToPath(imageUri));
    return loaded.kind === 'file' ? this.combine(imageUri, loaded.facts) : undefined;
  }

  private combine(imageUri: string, main: DocumentFacts): DocumentFacts {
    const cached = this.combinedCache.get(imageUri);
    if (cached && cached.main === main && cached.generation === this.generation) return cached.facts;
    const combined = combineSourced(main, fileURLToPath(imageUri), (path) => this.load(path));
    this.combinedCache.set(imageUri, { main, generation: this.generation, facts: combined });
    return combined;
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
      const facts = inLspCoordinates(factsWithParser(this.parser(), text), text);
      this.disk.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, facts, lines: lspLines(text) });
      return { kind: 'file', facts };
    } catch {
      return { kind: 'missing' };
    }
  }
}
