/**
 * Where a MKIMG diagnostic's `codeDescription` points: the rule's page,
 * docs/rules/<code>.md (generated from the rule objects), as a file URL
 * inside the installed extension (the VSIX ships docs/rules/). It always
 * matches the installed version, needs no network and no repository on the
 * web (the project publishes none). The VS Code client turns it into a
 * command that opens the page in the Markdown preview (client/src/rule-documentation.ts).
 * The server bundle lives in dist/, so the extension's root is its parent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_DOCS_DIRECTORY } from '../../shared/ids-and-settings';

const EXTENSION_ROOT = join(__dirname, '..');

/** The page of rule `code` (undefined when the extension holds no such page). */
export function ruleDocumentationUrl(code: string): string | undefined {
  const page = join(EXTENSION_ROOT, RULE_DOCS_DIRECTORY, `${code}.md`);
  return existsSync(page) ? pathToFileURL(page).href : undefined;
}
