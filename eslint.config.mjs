// typescript-eslint with type information, for what the compiler does not
// catch: promises nobody awaits, switches that miss a case, file names that
// break the kebab-case layout. `npm run lint` runs it with prettier --check.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import path from 'node:path';

/** One file-name style across the repository: kebab-case (`language-client.ts`, `image-paths.test.ts`). */
const kebabCaseFileNames = {
  meta: { type: 'suggestion', messages: { name: 'file name "{{name}}" is not kebab-case (lower-case words joined by "-")' }, schema: [] },
  create(context) {
    const name = path.basename(context.filename);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/.test(name)) {
      context.report({ loc: { line: 1, column: 0 }, messageId: 'name', data: { name } });
    }
    return {};
  },
};

export default defineConfig(
  { ignores: ['dist/**', 'out/**', '**/node_modules/**', '.vscode-test/**', 'client/e2e/fixtures/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, makeimg: { rules: { 'kebab-case-file-names': kebabCaseFileNames } } },
    // Directives for rules of other configs (no-control-regex) are not this config's business.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'makeimg/kebab-case-file-names': 'error',
    },
  },
);
