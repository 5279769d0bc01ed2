/**
 * Tests that run our code as an unprivileged user (the privilege test, makeimg
 * refusing to run without root) cannot load it from the checkout: CI may
 * clone into a directory other users cannot enter (e.g. under /root, mode
 * 0700). This bundles an entry point with esbuild into a world-readable
 * temporary directory, with the two .wasm files beside it as in dist/, and
 * returns the bundle's path. Bundles are made once per process and removed
 * when it exits.
 */
import { buildSync } from 'esbuild';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const bundles = new Map<string, string>();
let dir: string | undefined;

function publicDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-public-'));
    chmodSync(dir, 0o755);
    const created = dir;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
    for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
      const target = join(created, basename(wasm));
      copyFileSync(require.resolve(wasm), target);
      chmodSync(target, 0o644);
    }
  }
  return dir;
}

/** The path of a world-readable CommonJS bundle of `entry` (a .ts file). */
export function bundleForOtherUsers(entry: string): string {
  let out = bundles.get(entry);
  if (!out) {
    out = join(publicDir(), basename(entry).replace(/\.ts$/, '.js'));
    buildSync({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
      loader: { '.bash': 'text' },
      // As scripts/bundle.mjs: web-tree-sitter reads import.meta.url, which CJS lacks.
      define: { 'import.meta.url': '__bundleFileUrl' },
      banner: { js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    });
    chmodSync(out, 0o644);
    bundles.set(entry, out);
  }
  return out;
}
