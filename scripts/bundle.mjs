// Bundles the three programs into dist/ with esbuild, and puts the .wasm
// files (tree-sitter, the bash grammar, shfmt) beside the server (and makeimg
// CLI) bundles, where analysis/src/wasm-files.ts looks.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'dist');
const production = process.argv.includes('--production');

// ESM dependencies (web-tree-sitter) read import.meta.url, which a CJS bundle
// lacks: give them the bundle's own file URL.
const importMetaUrl = {
  define: { 'import.meta.url': '__bundleFileUrl' },
  banner: { js: '"use strict"; const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
};

const common = {
  ...importMetaUrl,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // The container drivers (pipeline/src/confine/drivers/*.bash) are imported as text.
  loader: { '.bash': 'text' },
};

mkdirSync(out, { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: join(out, 'server.js') }),
  esbuild.build({
    ...common,
    entryPoints: ['pipeline/src/cli/main.ts'],
    outfile: join(out, 'makeimg.js'),
    banner: { js: `#!/usr/bin/env node\n${importMetaUrl.banner.js}` },
  }),
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: join(out, 'extension.js'), external: ['vscode'] }),
]);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(out, 'tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), join(out, 'tree-sitter-bash.wasm'));
copyFileSync(require.resolve('sh-syntax/main.wasm'), join(out, 'sh-syntax.wasm'));
