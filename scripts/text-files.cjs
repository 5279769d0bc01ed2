// Preload for running the TypeScript sources with tsx (mocha, tests that
// start the CLI from source): `import text from './x.bash'` gives the file's
// text, as esbuild's text loader does in the bundles (scripts/bundle.mjs).
//   node --require ./scripts/text-files.cjs --import tsx FILE.ts
const { readFileSync } = require('node:fs');

require.extensions['.bash'] = (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};
