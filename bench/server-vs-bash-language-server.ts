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
 * Run:   node scripts/bundle.mjs --production && node --import tsx bench/server-vs-bash-language-server.ts [--runs N] [--only makeimg]
 *        (--production: the minified bundle the VSIX ships, which loads faster than the development one)
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_SERVER, LspTestClient, type StartOptions } from '../server/test/support/lsp-client';
import { largeImageSh, TYPICAL_IMAGE_SH } from './support/server-fixtures';
import { percentile, processCpuMs } from './support/stats';

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

const SPAWN_ROW = 'spawn -> initialize -> open -> first diagnostics (p50 of 5)';
const spawnP50 = new Map<string, number>();

/** The targets for makeimg's figures (default settings, stdio). */
function targetOf(row: string): string {
  if (row === `${SPAWN_ROW}: makeimg / bash-language-server`) return '<= 0.25x';
  if (row.startsWith('40-line') && row.endsWith('edit -> diagnostics p50')) return '<= 30 ms';
  if (row.startsWith('10,000-line') && row.endsWith('edit -> diagnostics p50')) return '<= 60 ms';
  if (row.startsWith('/usr/share/debootstrap/functions') && row.endsWith('open -> diagnostics')) return '<= 100 ms';
  if (row.startsWith('/usr/share/debootstrap/functions') && row.endsWith('edit -> diagnostics p50')) return '<= 30 ms';
  return '';
}

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0).padStart(6)} ms` : 'none');
const p50 = (values: number[]) => (values.length === 0 ? 'none' : fmt(percentile(values, 50)));

/**
 * CPU time (ms) the server process and the children it waited for (ShellCheck,
 * bash -n) have used so far: unlike wall time, barely moved by other load.
 */
function cpuMs(client: LspTestClient): number {
  const { own, children } = processCpuMs(client.process.pid as number);
  return own + children;
}

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
async function openAndEdit(
  server: Server,
  client: LspTestClient,
  text: string,
  tag: string,
): Promise<{ open: number; edits: number[]; openCpu: number; editCpu: number }> {
  const uri = `file:///bench/${tag}/image.sh`;
  const lines = text.split('\n');
  let t0 = performance.now();
  const cpuBefore = cpuMs(client);
  const opened = server.waitFor(client, uri, 1);
  client.open(uri, text, 1, server.name === 'makeimg' ? 'makeimg' : 'shellscript');
  const open = await since(t0, opened);
  const openCpu = cpuMs(client) - cpuBefore;
  if (!Number.isFinite(open)) {
    client.close(uri);
    return { open, edits: [], openCpu, editCpu: NaN };
  }
  const editsCpuBefore = cpuMs(client);
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
  const editCpu = (cpuMs(client) - editsCpuBefore) / EDITS;
  client.close(uri);
  return { open, edits, openCpu, editCpu };
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
  // --only makeimg: our server alone (a quick look; the figures the issue asks for are side by side).
  const only = process.argv.indexOf('--only') > 0 ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  for (const server of SERVERS) {
    if (only !== undefined && !server.name.startsWith(only)) continue;
    const spawns: number[] = [];
    for (let i = 0; i < 5; i++) spawns.push(await spawnToDiagnostics(server, TYPICAL_IMAGE_SH));
    put(SPAWN_ROW, server.name, p50(spawns));
    spawnP50.set(server.name, percentile(spawns, 50));
    const client = await LspTestClient.start(server.options);
    try {
      let n = 0;
      for (const [label, text] of documents) {
        const { open, edits, openCpu, editCpu } = await openAndEdit(server, client, text, `${server.name.split(' ')[0]}-${n++}`);
        put(`${label}: open -> diagnostics`, server.name, fmt(open));
        put(`${label}: edit -> diagnostics p50`, server.name, p50(edits));
        put(`${label}: server CPU for the open`, server.name, fmt(openCpu));
        put(`${label}: server CPU per edit (mean)`, server.name, fmt(editCpu));
      }
    } finally {
      await client.stop();
    }
  }
  const [ours, theirs] = SERVERS.map((s) => spawnP50.get(s.name) ?? NaN);
  put(`${SPAWN_ROW}: makeimg / bash-language-server`, SERVERS[0].name, `${(ours / theirs).toFixed(2)}x`);
  const names = SERVERS.map((s) => s.name);
  const width = Math.max(...[...results.keys()].map((k) => k.length));
  console.log(`${''.padEnd(width)}  ${names.map((n) => n.padStart(28)).join('')}  target (issue 14)`);
  for (const [row, values] of results)
    console.log(`${row.padEnd(width)}  ${names.map((n) => (values.get(n) ?? '-').padStart(28)).join('')}  ${targetOf(row)}`);
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (wall times are valid on a quiet machine only)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
