/**
 * `makeimg lint` (the bundled CLI) reports what the language server publishes
 * for the same file: makeimg's rules and ShellCheck, same codes, same ranges.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient, REPO_ROOT } from './support/lsp-client';

describe('makeimg lint = the language server', () => {
  it('reports what the language server publishes, ShellCheck included, on every example', async function () {
    this.timeout(120_000);
    const examples = join(REPO_ROOT, 'examples');
    const client = await LspTestClient.start({ settings: { shellcheck: { enable: true, path: 'shellcheck' } } });
    try {
      for (const name of readdirSync(examples).filter((n) => existsSync(join(examples, n, 'image.sh')))) {
        // A copy with a ShellCheck finding and a makeimg warning appended, so both sources are compared.
        const copy = mkdtempSync(join(tmpdir(), `makeimg-parity-${name}-`));
        cpSync(join(examples, name), copy, { recursive: true });
        const imageSh = join(copy, 'image.sh');
        writeFileSync(imageSh, readFileSync(imageSh, 'utf8') + '\nimg_path=/x\nsay() { echo $1; }\n');
        const uri = pathToFileURL(imageSh).href;
        client.open(uri, readFileSync(imageSh, 'utf8'));
        const published = await client.publishMatching(uri, (p) => p.diagnostics.some((d) => d.source === 'shellcheck'), 0, 20_000);
        const server = published.diagnostics
          .map(
            (d) =>
              `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${String(d.code)}`,
          )
          .sort();
        const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'makeimg.js'), 'lint', '--format', 'json', imageSh], {
          encoding: 'utf8',
        });
        const cli = (
          JSON.parse(r.stdout) as {
            range: { start: { line: number; column: number }; end: { line: number; column: number } };
            code: string;
          }[]
        )
          .map((f) => `${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column} ${f.code}`)
          .sort();
        assert.deepEqual(cli, server, name);
        assert.ok(cli.some((c) => c.endsWith('SC2086')) && cli.some((c) => c.endsWith('MKIMG010')), name);
        client.close(uri);
      }
    } finally {
      await client.stop();
    }
  });
});
