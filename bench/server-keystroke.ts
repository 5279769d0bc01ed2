/**
 * What one keystroke costs the language server on the issue 11 item 13
 * inputs, over the real protocol (dist/server.js, stdio): 50,000 nested
 * `$( )` and `{ }` (a keystroke inside the nest), 50,000 `$( )` in a row
 * (tree-sitter makes the whole file one ERROR statement), and an ordinary ~800 KB
 * image.sh (a keystroke near the top and in the middle). Per keystroke:
 * didChange -> the first publishDiagnostics of that version, and -> the
 * complete one (no MKIMG019: every statement walked); meanwhile a hover is
 * sent every 20 ms (one at a time), and its answer time says how long the
 * server was blocked. Keystrokes type a word, one new character each, so no
 * statement comes back from a cache.
 *
 * Run: npm run build && node --import tsx bench/server-keystroke.ts [keystrokes] [server.js]
 * (MAKEIMG_FACTS_BUDGET_MS / MAKEIMG_PARSE_BUDGET_MS in the environment reach the server; ONLY=KiB runs
 * the cases whose name has that text.)
 */
import { HoverRequest } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../server/test/support/lsp-client';
import { largeImageSh } from './support/server-fixtures';
import { percentile } from './support/stats';

const KEYSTROKES = Number(process.argv[2]) || 10;
const SERVER = process.argv[3] || undefined;
/** Only the cases whose name contains this (e.g. KiB). */
const ONLY = process.env.ONLY;
const N = 50_000;
const HEAD = 'img_name=x.tar\ndo_install() { :; }\n';

interface Case {
  name: string;
  text: string;
  /** Where the word is typed (UTF-16 offset). */
  at: number;
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function cases(): Case[] {
  const subst = `${HEAD}x=${'$( '.repeat(N)}true${' )'.repeat(N)}\n`;
  const braces = `${HEAD}${'{ '.repeat(N)}true${' }'.repeat(N)}\n`;
  const sequence = `${HEAD}${'$( )'.repeat(N)}\n`;
  const large = largeImageSh(33_000);
  return [
    { name: '50,000 `$( )` in a row (one ERROR)', text: sequence, at: HEAD.length + 4 * (N / 2) },
    { name: '50,000 nested $( ), inside', text: subst, at: HEAD.length + 2 + 3 * (N / 2) },
    { name: '50,000 nested { }, inside', text: braces, at: HEAD.length + 2 * (N / 2) },
    { name: `${(large.length / 1024).toFixed(0)} KiB image.sh, line 3`, text: large, at: large.indexOf('\n', large.indexOf('\n') + 1) },
    { name: `${(large.length / 1024).toFixed(0)} KiB image.sh, middle`, text: large, at: large.indexOf('\n', large.length >> 1) },
  ];
}

const fmt = (values: number[]) => `p50 ${percentile(values, 50).toFixed(0)}  max ${Math.max(...values).toFixed(0)} ms`;

/** Hovers one after another, 20 ms apart, until stopped: their answer times. */
function pinger(client: LspTestClient, uri: string): { stop: () => Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 2 } });
      times.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return times;
    },
  };
}

async function measure(client: LspTestClient, c: Case, index: number): Promise<void> {
  const uri = `file:///bench/keystroke-${index}/image.sh`;
  client.open(uri, c.text);
  try {
    await client.publishMatching(uri, (p) => p.version === 1 && !p.diagnostics.some((d) => d.code === 'MKIMG019'), 0, 60_000);
  } catch {
    console.log(`${c.name.padEnd(34)} not analysed within 60 s of opening (only MKIMG019)`);
    client.close(uri);
    return;
  }
  const start = positionAt(c.text, c.at);
  const first: number[] = [];
  const complete: number[] = [];
  const ping = pinger(client, uri);
  for (let k = 0; k < KEYSTROKES; k++) {
    const position = { line: start.line, character: start.character + k };
    const version = k + 2;
    const t0 = performance.now();
    client.change(uri, version, [{ range: { start: position, end: position }, text: 'abcdefghijklmnopqrstuvwxyz'[k % 26] }]);
    await client.diagnostics(uri, version, 120_000);
    first.push(performance.now() - t0);
    await client.publishMatching(uri, (p) => p.version === version && !p.diagnostics.some((d) => d.code === 'MKIMG019'), 0, 120_000);
    complete.push(performance.now() - t0);
  }
  const blocked = await ping.stop();
  client.close(uri);
  console.log(
    `${c.name.padEnd(34)} keystroke -> diagnostics ${fmt(first)}, -> complete ${fmt(complete)}; ` +
      `hover answer (server blocked) ${fmt(blocked)} (${KEYSTROKES} keystrokes, ${blocked.length} hovers)`,
  );
}

async function main(): Promise<void> {
  const client = await LspTestClient.start({ initializationOptions: { diagnosticsDelay: 0 }, serverPath: SERVER });
  const { stdout: load } = { stdout: (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8') };
  console.log(`server ${SERVER ?? 'dist/server.js'}; load average ${load.split(' ').slice(0, 3).join(' ')}`);
  try {
    let i = 0;
    for (const c of cases()) if (!ONLY || c.name.includes(ONLY)) await measure(client, c, i++);
  } finally {
    await client.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
