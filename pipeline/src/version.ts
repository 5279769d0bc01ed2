/** makeimg's version: package.json's, found above this file (source tree or bundle in dist/). */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export function version(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'makeimg' && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
