/** Sourced files read from disk (the command line, and files the editor does not have open). */
import { readFileSync, statSync } from 'node:fs';
import type { DocumentFacts } from '../facts';
import type { LoadedFile } from './combine';

/** Larger sourced files are not analysed (the same limit as an open document). */
const MAX_SOURCED_CHARS = 1_000_000;

/** A loader over the disk; `factsOf` analyses a text (the caller's parser and cache). */
export function diskLoader(factsOf: (path: string, text: string) => DocumentFacts): (path: string) => LoadedFile {
  return (path) => {
    try {
      const stats = statSync(path);
      if (!stats.isFile() || stats.size > MAX_SOURCED_CHARS * 4) return { kind: 'not-a-file' };
      return { kind: 'file', facts: factsOf(path, readFileSync(path, 'utf8')) };
    } catch {
      return { kind: 'missing' };
    }
  };
}
