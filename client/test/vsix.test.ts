/**
 * The packaged extension: `scripts/package-vsix` (vsce package) produces a
 * VSIX that holds the bundles, the .wasm files (parser, grammar, shfmt), grammar, snippets and docs,
 * and nothing of node_modules, sources, tests or source maps.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/makeimg.js',
  'extension/dist/tree-sitter.wasm',
  'extension/dist/tree-sitter-bash.wasm',
  // shfmt as WebAssembly: formatting needs no binary
  'extension/dist/sh-syntax.wasm',
  'extension/syntaxes/makeimg.tmLanguage.json',
  'extension/syntaxes/language-configuration.json',
  'extension/snippets/makeimg.json',
  // the README's screenshots, so the extension's details page shows them
  'extension/docs/screenshot-diagnostics.png',
  'extension/docs/screenshot-build.png',
  // a page per rule (MKIMG diagnostics link to it, codeDescription) and their index
  ...readdirSync(join(ROOT, 'docs', 'rules'))
    .filter((f) => /^(MKIMG\d+|README)\.md$/.test(f))
    .map((f) => `extension/docs/rules/${f}`),
  'extension/images/icon.png',
  'extension/images/image-sh.svg',
];

describe('client VSIX package', function () {
  this.timeout(120_000);
  let dir: string;
  let files: string[];
  let vsix: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-vsix-'));
    vsix = join(dir, 'makeimg.vsix');
    execFileSync(join(ROOT, 'scripts', 'package-vsix'), [vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // `unzip -Z1` lists one entry name per line.
    files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('its README is the Marketplace page (MARKETPLACE.md): no developer sections, no links to files the VSIX lacks', () => {
    const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
    assert.equal(readme, readFileSync(join(ROOT, 'MARKETPLACE.md'), 'utf8'));
    assert.doesNotMatch(readme, /^#+ (Tests|Development|Speed)/m);
    for (const [, target] of readme.matchAll(/\]\(([^)]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      assert.ok(files.includes(`extension/${target}`), `${target} is linked but not in the VSIX`);
    }
  });

  it('holds the bundles, the three .wasm files, grammar, snippets, README and LICENSE', () => {
    for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is missing from the VSIX:\n${files.join('\n')}`);
  });

  it('holds no dependencies, sources, tests or source maps', () => {
    const unwanted = files.filter((f) => /node_modules\/|\.ts$|\.map$|\/test\/|\/src\/|\.vsix$|tsconfig/.test(f));
    assert.deepEqual(unwanted, []);
    const extensionFiles = files.filter((f) => f.startsWith('extension/'));
    assert.equal(
      extensionFiles.length,
      REQUIRED.length + files.filter((f) => /extension\/changelog\.md$/.test(f)).length,
      `unexpected files: ${extensionFiles.filter((f) => !REQUIRED.includes(f)).join(', ')}`,
    );
    const size = statSync(vsix).size;
    console.log(`      VSIX: ${files.length} entries, ${(size / 1024).toFixed(0)} KiB`);
    assert.ok(size < 5 * 1024 * 1024, `the VSIX is ${size} bytes; something large slipped in`);
  });
});
