/**
 * The makeimg language server side by side with bash-language-server 5.8.1
 * (bench/anchor, its own node_modules), both over stdio with default
 * settings (no diagnosticsDelay: ours derives its delay from the document's
 * cost), in one run:
 *   - spawn -> initialize -> open -> first diagnostics,
 *   - edit -> diagnostics p50 on a 40-line image.sh and a 10,000-line one,
 *   - open -> diagnostics and edit -> diagnostics on real scripts: debootstrap,
 *     its functions, git's bash completion.
 * bash-language-server's diagnostics come from ShellCheck (a process per
 * run, debounced); ours are the rules' (ShellCheck's join later).
 *
 * Setup: (cd bench/anchor && npm install); apt-get install debootstrap git bash-completion shellcheck
 * Run:   node scripts/bundle.mjs && node --import tsx bench/server-vs-bash-language-server.ts [--runs N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_SERVER, LspTestClient, type StartOptions } from '../server/test/support/lsp-client';
import { largeImageSh, TYPICAL_IMAGE_SH } from './support/server-fixtures';
import { percentile } from './support/stats';

const BASH_LS = join(__dirname, 'anchor', 'node_modules', 'bash-language-server', 'out', 'cli.js');
const REAL_SCRIPTS = ['/usr/sbin/debootstrap', '/usr/share/debootstrap/functions', '/usr/share/bash-completion/completions/git'];
const runsArg = process.argv.indexOf('--runs');
const EDITS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 40;

interface Server {
  name: string;
  options: StartOptions;
  /** The publish that answers `version` (bash-language-server's publishes carry no version: the next one). */
  waitFor(client: LspTestClient, uri: string, version: number): Promise<unknown>;
}

const SERVERS: Server[] = [
  {
    name: 'makeimg',
    options: { serverPath: BUNDLED_SERVER, initializationOptions: {}, settings: {} },
    waitFor: (client, uri, version) => client.diagnostics(uri, version, 60_000),
  },
  {
    name: 'bash-language-server 5.8.1',
    options: { serverPath: BASH_LS, serverArgs: ['start'], initializationOptions: {} },
    // It publishes only when ShellCheck ran; a file it does not check gets nothing (reported as "none").
    waitFor: (client, uri) => client.diagnostics(uri, undefined, 20_000),
  },
];

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0).padStart(6)} ms` : 'none');
const p50 = (values: number[]) => (values.length === 0 ? 'none' : fmt(percentile(values, 50)));

/** How long `published` took from `t0`, or Infinity when it never came. */
async function since(t0: number, published: Promise<unknown>): Promise<number> {
  try {
    await published;
    return performance.now() - t0;
  } catch {
    return Infinity;
  }
}

async function spawnToDiagnostics(server: Server, text: string): Promise<number> {
  const started = performance.now();
  const client = await LspTestClient.start(server.options);
  try {
    const uri = 'file:///bench/first/image.sh';
    const waiting = server.waitFor(client, uri, 1);
    client.open(uri, text, 1, server.name === 'makeimg' ? 'makeimg' : 'shellscript');
    await waiting;
    return performance.now() - started;
  } finally {
    await client.stop();
  }
}

/** open -> diagnostics, then `EDITS` one-character edits (type, delete) at pseudo-random line ends -> diagnostics. */
async function openAndEdit(server: Server, client: LspTestClient, text: string, tag: string): Promise<{ open: number; edits: number[] }> {
  const uri = `file:///bench/${tag}/image.sh`;
  const lines = text.split('\n');
  let t0 = performance.now();
  const opened = server.waitFor(client, uri, 1);
  client.open(uri, text, 1, server.name === 'makeimg' ? 'makeimg' : 'shellscript');
  const open = await since(t0, opened);
  if (!Number.isFinite(open)) {
    client.close(uri);
    return { open, edits: [] };
  }
  const edits: number[] = [];
  let version = 1;
  let seed = 7;
  let last = { line: 0, character: 0 };
  for (let i = 0; i < EDITS; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const line = seed % lines.length;
    const typing = i % 2 === 0;
    const at = typing ? { line, character: lines[line].length } : last;
    const change = typing
      ? { range: { start: at, end: at }, text: 'x' }
      : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
    if (typing) last = at;
    version++;
    t0 = performance.now();
    const published = server.waitFor(client, uri, version);
    client.change(uri, version, [change]);
    const ms = await since(t0, published);
    if (Number.isFinite(ms)) edits.push(ms);
  }
  client.close(uri);
  return { open, edits };
}

async function main(): Promise<void> {
  if (!existsSync(BASH_LS)) throw new Error(`${BASH_LS} is missing: run (cd bench/anchor && npm install)`);
  const large = largeImageSh(10_000);
  const documents: [string, string][] = [
    ['40-line image.sh', TYPICAL_IMAGE_SH],
    ['10,000-line image.sh', large],
  ];
  for (const file of REAL_SCRIPTS) {
    if (existsSync(file)) documents.push([`${file} (${readFileSync(file, 'utf8').split('\n').length} lines)`, readFileSync(file, 'utf8')]);
    else console.log(`${file} is missing (apt-get install debootstrap git bash-completion)`);
  }
  console.log(`edits per document: ${EDITS}; default settings, stdio, one run side by side\n`);
  const results = new Map<string, Map<string, string>>();
  const put = (row: string, server: string, value: string) => {
    if (!results.has(row)) results.set(row, new Map());
    results.get(row)!.set(server, value);
  };
  for (const server of SERVERS) {
    const spawns: number[] = [];
    for (let i = 0; i < 5; i++) spawns.push(await spawnToDiagnostics(server, TYPICAL_IMAGE_SH));
    put('spawn -> initialize -> open -> first diagnostics (p50 of 5)', server.name, p50(spawns));
    const client = await LspTestClient.start(server.options);
    try {
      let n = 0;
      for (const [label, text] of documents) {
        const { open, edits } = await openAndEdit(server, client, text, `${server.name.split(' ')[0]}-${n++}`);
        put(`${label}: open -> diagnostics`, server.name, fmt(open));
        put(`${label}: edit -> diagnostics p50`, server.name, p50(edits));
      }
    } finally {
      await client.stop();
    }
  }
  const names = SERVERS.map((s) => s.name);
  const width = Math.max(...[...results.keys()].map((k) => k.length));
  console.log(`${''.padEnd(width)}  ${names.map((n) => n.padStart(28)).join('')}`);
  for (const [row, values] of results)
    console.log(`${row.padEnd(width)}  ${names.map((n) => (values.get(n) ?? '-').padStart(28)).join('')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
