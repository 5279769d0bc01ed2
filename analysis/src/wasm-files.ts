/** Where the WebAssembly files the analysis loads are: beside the bundle (dist/), else in node_modules. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `fileName` beside the bundle first; `packagePath` (resolved in node_modules) when running from source. */
export function locateWasm(fileName: string, packagePath: string): string {
  const besideBundle = join(__dirname, fileName);
  if (existsSync(besideBundle)) return besideBundle;
  try {
    return require.resolve(packagePath);
  } catch {
    throw new Error(`cannot find ${fileName}: expected it beside the bundle (${besideBundle}) or in node_modules`);
  }
}
