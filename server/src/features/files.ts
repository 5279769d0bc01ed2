/**
 * The files an image.sh copies, in the editor: document links on existing
 * sources, and the file watcher registration that makes the server re-check
 * (MKIMG013) when files appear or disappear.
 */
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type DocumentLink,
} from 'vscode-languageserver';
import { fileArrayFacts, imagePathOf, locateSource, staticSourceElements, type DocumentFacts } from '../../../analysis/src/facts';
import { imageDirectoryOf, sourceFilesIn } from '../../../analysis/src/source-files';
import { partnerOf } from './file-pairs';

/** Links from each existing source file element to the file. */
export function documentLinks(allFacts: DocumentFacts, uri: string): DocumentLink[] {
  const facts = fileArrayFacts(allFacts);
  const directory = imageDirectoryOf(uri);
  if (directory === undefined) return [];
  const files = sourceFilesIn(directory);
  const links: DocumentLink[] = [];
  for (const source of staticSourceElements(facts)) {
    const location = locateSource(source.path);
    if (location.kind !== 'inside' || files.kind(location.relative) !== 'file') continue;
    const index = (source.assignment.elements ?? []).indexOf(source.element);
    const partner = partnerOf(facts, { pair: source.pair, role: 'src', assignment: source.assignment, index });
    const destination = partner.kind === 'element' && partner.element.value !== undefined ? imagePathOf(partner.element.value) : undefined;
    links.push({
      range: unquoted(source.element.range, source.element.text),
      target: pathToFileURL(join(directory, location.relative)).toString(),
      tooltip: destination ? `Open ${location.relative} (copied to ${destination})` : `Open ${location.relative}`,
    });
  }
  return links;
}

/** The element's range without surrounding quotes, so the link covers the path itself. */
function unquoted(range: DocumentLink['range'], text: string): DocumentLink['range'] {
  const quoted = text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0]);
  if (!quoted || range.start.line !== range.end.line) return range;
  return {
    start: { line: range.start.line, character: range.start.character + 1 },
    end: { line: range.end.line, character: range.end.character - 1 },
  };
}

/**
 * Whether a created or deleted file can change the file diagnostics of a
 * document: it is one of its sources, or a folder holding one. (A build
 * writing thousands of files under ./img re-checks nothing.)
 */
export function affectedByFileChanges(facts: DocumentFacts, uri: string, changedUris: readonly string[]): boolean {
  const directory = imageDirectoryOf(uri);
  if (directory === undefined) return false;
  const sources = staticSourceElements(facts).flatMap((s) => {
    const location = locateSource(s.path);
    return location.kind === 'inside' ? [location.relative] : [];
  });
  if (sources.length === 0) return false;
  return changedUris.some((changed) => {
    if (!changed.startsWith('file:')) return false;
    const path = relative(directory, fileURLToPath(changed)).split(sep).join('/');
    return sources.some((source) => source === path || source.startsWith(`${path}/`));
  });
}

/** Whether the client lets the server register file watchers at run time. */
export function canWatchFiles(capabilities: ClientCapabilities): boolean {
  return capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
}

/** Ask the client to report created, deleted and changed files anywhere in the workspace (changes: for sourced files). */
export async function watchSourceFiles(connection: Connection): Promise<void> {
  await connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete | WatchKind.Change }],
  });
}
