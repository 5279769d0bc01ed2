/**
 * Writes the generated grammar and snippets (run by scripts/gen-language-files).
 * The client tests check that the committed files are up to date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeimgGrammar } from './grammar';
import { makeimgSnippets } from './snippets';

const ROOT = join(__dirname, '..', '..', '..');

export const GENERATED_FILES: Record<string, () => unknown> = {
  'syntaxes/makeimg.tmLanguage.json': makeimgGrammar,
  'snippets/makeimg.json': makeimgSnippets,
};

export function renderGenerated(make: () => unknown): string {
  return JSON.stringify(make(), null, 2) + '\n';
}

function main(): void {
  for (const [path, make] of Object.entries(GENERATED_FILES)) {
    const text = renderGenerated(make);
    const file = join(ROOT, path);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // Missing: written below.
    }
    if (current === text) continue;
    writeFileSync(file, text);
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) main();
