/**
 * Workspace symbols: the functions and top-level variables of every image.sh
 * under the workspace folders. Folders are scanned on demand (skipping
 * node_modules and .git, bounded in files and directories); files that are
 * not open are parsed once and cached until their mtime or size changes.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type CancellationToken, type SymbolInformation } from 'vscode-languageserver';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import { visibleAssignments, type DocumentFacts } from '../../../analysis/src/facts';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
const MAX_IMAGE_FILES = 200;
const MAX_DIRECTORIES = 10_000;
const MAX_SYMBOLS = 1000;
/** Larger files are not parsed (as for open documents). */
const MAX_FILE_BYTES = 1_000_000;
/** A picker sends a request per keystroke: reuse a scan this young. */
const SCAN_REUSE_MS = 2000;

export interface ImageFile {
  path: string;
  root: string;
}

/** image.sh files under `roots`, breadth-first, at most `maxFiles`, visiting at most `maxDirectories`. */
export async function findImageFiles(
  roots: readonly string[],
  maxFiles = MAX_IMAGE_FILES,
  maxDirectories = MAX_DIRECTORIES,
): Promise<ImageFile[]> {
  const found: ImageFile[] = [];
  const queue = roots.map((root) => ({ dir: root, root }));
  let visited = 0;
  while (queue.length > 0 && found.length < maxFiles && visited < maxDirectories) {
    const { dir, root } = queue.shift() as { dir: string; root: string };
    visited++;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: skip it
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // Symbolic links are not followed (no cycles, no leaving the workspace).
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) queue.push({ dir: join(dir, entry.name), root });
      else if (entry.isFile() && entry.name === IMAGE_FILE_NAME && found.length < maxFiles)
        found.push({ path: join(dir, entry.name), root });
    }
  }
  return found;
}

export type FactsOfText = (text: string) => Promise<DocumentFacts>;
/** Facts of a document the editor has open (its text may differ from the disk), by file URI. */
export type OpenFacts = (uri: string) => DocumentFacts | undefined;

export class WorkspaceSymbols {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; facts: DocumentFacts }>();
  private lastScan: { key: string; at: number; files: ImageFile[] } | undefined;

  constructor(private readonly factsOfText: FactsOfText) {}

  async query(roots: readonly string[], query: string, openFacts: OpenFacts, token?: CancellationToken): Promise<SymbolInformation[]> {
    const files = await this.scan(roots);
    const results: SymbolInformation[] = [];
    for (const file of files) {
      if (token?.isCancellationRequested || results.length >= MAX_SYMBOLS) break;
      const uri = pathToFileURL(file.path).href;
      const facts = openFacts(uri) ?? (await this.factsOf(file.path));
      if (!facts) continue;
      const container = relative(file.root, dirname(file.path)) || basename(file.root);
      for (const symbol of symbolsOf(facts, uri, container)) {
        if (results.length >= MAX_SYMBOLS) break;
        if (matches(symbol.name, query)) results.push(symbol);
      }
    }
    return results;
  }

  private async scan(roots: readonly string[]): Promise<ImageFile[]> {
    const key = roots.join('\u0000');
    if (this.lastScan && this.lastScan.key === key && Date.now() - this.lastScan.at < SCAN_REUSE_MS) return this.lastScan.files;
    const files = await findImageFiles(roots);
    this.lastScan = { key, at: Date.now(), files };
    // Forget files that are gone or no longer in the workspace.
    const current = new Set(files.map((f) => f.path));
    for (const path of this.cache.keys()) if (!current.has(path)) this.cache.delete(path);
    return files;
  }

  private async factsOf(path: string): Promise<DocumentFacts | undefined> {
    try {
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES) return undefined;
      const cached = this.cache.get(path);
      if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.facts;
      const facts = await this.factsOfText(await readFile(path, 'utf8'));
      this.cache.set(path, { mtimeMs: info.mtimeMs, size: info.size, facts });
      return facts;
    } catch {
      this.cache.delete(path);
      return undefined;
    }
  }
}

function symbolsOf(facts: DocumentFacts, uri: string, containerName: string): SymbolInformation[] {
  const symbols: SymbolInformation[] = [];
  const seen = new Set<string>();
  for (const a of visibleAssignments(facts)) {
    if (a.function !== null || a.form === 'for-variable' || seen.has(a.name)) continue;
    seen.add(a.name);
    symbols.push({
      name: a.name,
      kind: a.kind === 'array' ? SymbolKind.Array : SymbolKind.Variable,
      location: { uri, range: a.nameRange },
      containerName,
    });
  }
  for (const f of facts.functions) {
    symbols.push({ name: f.name, kind: SymbolKind.Function, location: { uri, range: f.nameRange }, containerName });
  }
  return symbols;
}

/** The query's characters appear in order in the name, ignoring case (what editors' symbol pickers expect). */
export function matches(name: string, query: string): boolean {
  const lower = name.toLowerCase();
  let at = 0;
  for (const c of query.toLowerCase()) {
    at = lower.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}
