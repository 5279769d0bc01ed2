/**
 * Where a MKIMG diagnostic's `codeDescription` points: the rule's page,
 * docs/rules/<code>.md (generated from the rule objects).
 *
 * Choice: when package.json names a `repository` on the web, an absolute
 * URL of the page there (it renders the markdown, and works in every
 * editor and remote window). Without one, a file URL of the page
 * inside the installed extension (the VSIX ships docs/rules/): it always
 * matches the installed version and needs no network. The server bundle
 * lives in dist/, so the extension's root is its parent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_DOCS_DIRECTORY } from '../../analysis/src/rules/docs';

const EXTENSION_ROOT = join(__dirname, '..');

/** The page of rule `code` (undefined when neither the repository nor the page is known). */
export function ruleDocumentationUrl(code: string): string | undefined {
  const base = repositoryPagesUrl();
  if (base) return `${base}/${code}.md`;
  const page = join(EXTENSION_ROOT, RULE_DOCS_DIRECTORY, `${code}.md`);
  return existsSync(page) ? pathToFileURL(page).href : undefined;
}

let cachedRepositoryUrl: string | null | undefined;

/** `https://host/owner/name/blob/HEAD/docs/rules` from package.json's `repository`, or null. */
function repositoryPagesUrl(): string | null {
  if (cachedRepositoryUrl === undefined) {
    cachedRepositoryUrl = null;
    try {
      const manifest = JSON.parse(readFileSync(join(EXTENSION_ROOT, 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
      const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
      const web = url?.replace(/^git\+/, '').replace(/\.git$/, '');
      if (web && /^https:\/\//.test(web)) cachedRepositoryUrl = `${web}/blob/HEAD/${RULE_DOCS_DIRECTORY}`;
    } catch {
      // No readable package.json beside the bundle: file URLs only.
    }
  }
  return cachedRepositoryUrl;
}
