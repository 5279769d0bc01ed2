/** Writes the rule documentation (see docs.ts); run by scripts/gen-rule-docs. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedRuleDocs } from './docs';

const root = join(__dirname, '..', '..', '..');
const files = generatedRuleDocs((path) => readFileSync(join(root, path), 'utf8'));
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
console.log(`wrote ${files.size} files`);
