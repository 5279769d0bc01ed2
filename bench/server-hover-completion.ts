/**
 * Latency of hover and completion over the real protocol (JSON-RPC over
 * stdio to dist/server.js) on a generated 10,000-line image.sh, measured from
 * request sent to response received:
 *   - hover on variables, functions, file array elements and contract names;
 *   - completion of `$`-variables, command names, img_name suffixes and file
 *     paths, on an unchanged document (facts cached);
 *   - completion right after a keystroke (didChange + completion: the facts
 *     of the new version are rebuilt first), what typing feels like, also on
 *     examples/debian/image.sh for comparison.
 * Target: p50 under 20 ms. Needs `node scripts/bundle.mjs`.
 *
 * Run: node --import tsx bench/server-hover-completion.ts [--requests N]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CompletionRequest, HoverRequest, type Position } from 'vscode-languageserver-protocol';
import { FILE_ARRAY_PAIRS } from '../shared/contract';
import { LspTestClient, REPO_ROOT } from '../server/test/support/lsp-client';
import { percentile } from './support/stats';

const TARGET_LINES = 10_000;
/** A real, typical image.sh for the typing comparison. */
const TYPICAL_FILE = join(REPO_ROOT, 'examples', 'debian', 'image.sh');

interface Probe {
  what: string;
  position: Position;
}

/** A large but realistic image.sh: helpers with locals and calls, long file arrays, both hooks. */
function generate(): { text: string; hovers: Probe[]; completions: Probe[] } {
  const lines: string[] = [
    '#!/bin/bash',
    '# generated for the benchmark',
    'img_name=bench.tar.zst',
    'mirror=http://deb.debian.org/debian',
    '',
  ];
  const hovers: Probe[] = [];
  const completions: Probe[] = [];
  const pair = FILE_ARRAY_PAIRS[1];
  const elements = Array.from({ length: 200 }, (_, i) => `files/f${i}`);
  lines.push(`${pair.src}=(${elements.join(' ')})`, `${pair.dst}=(${elements.map((e) => `etc/${e}`).join(' ')})`, '');
  hovers.push({ what: 'file array element', position: { line: 5, character: pair.src.length + 2 + 'files/f0 '.length * 10 } });
  hovers.push({ what: 'contract name', position: { line: 2, character: 3 } });
  let n = 0;
  while (lines.length < TARGET_LINES - 20) {
    const start = lines.length;
    lines.push(
      `# helper number ${n}`,
      `helper_${n}() {`,
      `    local target_${n}=$1`,
      `    mkdir -p "$img_dir/opt/${n}"`,
      `    echo "$target_${n} $mirror" > "$img_dir/opt/${n}/info"`,
      n > 0 ? `    helper_${n - 1} "$target_${n}"` : '    :',
      '    ',
      '}',
      '',
    );
    if (n % 50 === 0) {
      hovers.push({ what: 'local variable', position: { line: start + 4, character: 11 } });
      hovers.push({ what: 'provided variable', position: { line: start + 3, character: 16 } });
      if (n > 0) hovers.push({ what: 'function call', position: { line: start + 5, character: 6 } });
      completions.push({ what: '$variable', position: { line: start + 4, character: 11 } });
      completions.push({ what: 'command name', position: { line: start + 6, character: 4 } });
    }
    n++;
  }
  lines.push(
    'do_install()',
    '{',
    `    helper_${n - 1} /`,
    '}',
    '',
    'do_postinstall()',
    '{',
    '    systemctl enable systemd-networkd',
    '}',
    '',
  );
  completions.push({ what: 'img_name suffix', position: { line: 2, character: 'img_name=bench'.length } });
  completions.push({ what: 'file path', position: { line: 5, character: pair.src.length + 2 + 'files/'.length } });
  return { text: lines.join('\n'), hovers, completions };
}

/** didChange (one character in, then out again) + completion at the cursor, timed together. */
async function typingLatency(client: LspTestClient, uri: string, line: number, count: number): Promise<number[]> {
  const samples: number[] = [];
  let version = 1;
  for (let i = 0; i < count; i++) {
    const insert = i % 2 === 0;
    const change = { range: { start: { line, character: 4 }, end: { line, character: insert ? 4 : 5 } }, text: insert ? 'h' : '' };
    const t0 = performance.now();
    client.change(uri, ++version, [change]);
    await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: insert ? 5 : 4 } });
    samples.push(performance.now() - t0);
  }
  return samples;
}

function report(name: string, samples: number[]): void {
  const f = (x: number) => x.toFixed(2).padStart(7);
  console.log(
    `${name.padEnd(44)} n=${String(samples.length).padStart(4)}  p50 ${f(percentile(samples, 50))} ms  p95 ${f(percentile(samples, 95))} ms  max ${f(Math.max(...samples))} ms`,
  );
}

async function main(): Promise<void> {
  const requestsArg = process.argv.indexOf('--requests');
  const rounds = requestsArg > 0 ? Number(process.argv[requestsArg + 1]) : 300;
  const project = mkdtempSync(join(tmpdir(), 'makeimg-bench-features-'));
  mkdirSync(join(project, 'files'));
  mkdirSync(join(project, 'typical'));
  for (let i = 0; i < 200; i++) writeFileSync(join(project, 'files', `f${i}`), '');
  const uri = pathToFileURL(join(project, 'image.sh')).href;
  const { text, hovers, completions } = generate();
  // As an editor runs it: the default diagnostics delay. ShellCheck is off: its process would compete for
  // the same 2 cores and measure shellcheck, not the server (it is debounced and separate in real use).
  const client = await LspTestClient.start({ initializationOptions: {}, settings: { shellcheck: { enable: false, path: '' } } });
  try {
    client.open(uri, text, 1);
    await client.diagnostics(uri, 1, 60_000);
    const load = loadavg()[0];
    const timed = async (send: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await send();
      return performance.now() - t0;
    };
    const hover = (p: Probe) => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: p.position });
    const complete = (p: Probe) => client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: p.position });
    // Warm up the JIT on both sides.
    for (let i = 0; i < 30; i++) (await hover(hovers[i % hovers.length]), await complete(completions[i % completions.length]));

    const hoverAll: number[] = [];
    const completeAll: number[] = [];
    const byKind = new Map<string, number[]>();
    const add = (key: string, ms: number) => byKind.set(key, [...(byKind.get(key) ?? []), ms]);
    for (let i = 0; i < rounds; i++) {
      const h = hovers[i % hovers.length];
      const hms = await timed(() => hover(h));
      hoverAll.push(hms);
      add(`hover: ${h.what}`, hms);
      const c = completions[i % completions.length];
      const cms = await timed(() => complete(c));
      completeAll.push(cms);
      add(`completion: ${c.what}`, cms);
    }

    // Typing: insert one character at command position, then complete there.
    const typingLine = completions.find((c) => c.what === 'command name')?.position.line ?? 0;
    const typing = await typingLatency(client, uri, typingLine, Math.min(rounds, 200));
    const typical = readFileSync(TYPICAL_FILE, 'utf8');
    const typicalUri = pathToFileURL(join(project, 'typical', 'image.sh')).href;
    client.open(typicalUri, typical, 1);
    const typicalLine = Math.max(
      0,
      typical.split('\n').findIndex((l) => l.trim() === 'apt-get clean'),
    );
    const typingTypical = await typingLatency(client, typicalUri, typicalLine, Math.min(rounds, 200));

    console.log(
      `image.sh: ${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KiB; ${rounds} rounds; load average ${load.toFixed(1)} on ${cpus().length} cores`,
    );
    report('hover (all kinds)', hoverAll);
    report('completion (all kinds, unchanged document)', completeAll);
    report('completion right after a keystroke', typing);
    report(`  same on ${relative(REPO_ROOT, TYPICAL_FILE)} (${typical.split('\n').length} lines)`, typingTypical);
    for (const [key, samples] of [...byKind].sort()) report(`  ${key}`, samples);
  } finally {
    await client.stop();
    rmSync(project, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
