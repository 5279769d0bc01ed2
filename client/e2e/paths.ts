/** Where the end-to-end tests find the repository and write their artifacts. */
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

/** Screenshots of failed scenarios (git-ignored). */
export const resultsDir = join(repoRoot, 'test-results');

/** Workspaces copied into temporary folders by the scenarios. */
export const fixturesDir = join(__dirname, 'fixtures');

/** Where the README's screenshots live (written when MAKEIMG_E2E_DOCS_SCREENSHOTS is set). */
export const docsDir = join(repoRoot, 'docs');
