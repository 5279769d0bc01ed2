/**
 * Language server latency over the real protocol (dist/server.js, stdio):
 * didOpen -> publishDiagnostics and didChange -> publishDiagnostics, p50/p95,
 * for a typical ~40-line image.sh and a 10,000-line one, plus the server's
 * resident memory across 1,000 edits. The debounce delay is set to 0
 * (initializationOptions.diagnosticsDelay) so the figures are the server's
 * own work; in the editor the default 200 ms debounce comes on top.
 *
 * Run: node scripts/bundle.mjs && node --import tsx bench/server-latency.ts
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeText, runRules } from '../analysis/src/analysis';
import { FactsBuilder } from '../analysis/src/facts';
import { DocumentTree } from '../analysis/src/parser';
import { LspTestClient } from '../server/test/support/lsp-client';
import { largeImageSh, TYPICAL_IMAGE_SH } from './support/server-fixtures';
import { percentile } from './support/stats';

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const summary = (values: number[]) => `p50 ${fmt(percentile(values, 50))}  p95 ${fmt(percentile(values, 95))}  (n=${values.length})`;

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function timeOpen(client: LspTestClient, text: string, runs: number, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const uri = `file:///bench/${tag}-${i}/image.sh`;
    const t0 = performance.now();
    client.open(uri, text);
    await client.diagnostics(uri, 1, 60_000);
    times.push(performance.now() - t0);
    client.close(uri);
    await client.clearedDiagnostics(uri);
  }
  return times;
}

/** Types one character at the end of a pseudo-random line, then deletes it again (two versions per pair). */
async function timeEdits(client: LspTestClient, text: string, edits: number, tag: string, onEdit?: (i: number) => void): Promise<number[]> {
  const uri = `file:///bench/${tag}/image.sh`;
  const lines = text.split('\n');
  client.open(uri, text);
  await client.diagnostics(uri, 1, 60_000);
  const times: number[] = [];
  let version = 1;
  let seed = 7;
  let lastLine = 0;
  let lastEnd = 0;
  for (let i = 0; i < edits; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const line = seed % lines.length;
    const end = lines[line].length;
    const typing = i % 2 === 0;
    const change = typing
      ? { range: { start: { line, character: end }, end: { line, character: end } }, text: 'x' }
      : { range: { start: { line: lastLine, character: lastEnd }, end: { line: lastLine, character: lastEnd + 1 } }, text: '' };
    if (typing) {
      lastLine = line;
      lastEnd = end;
    }
    const t0 = performance.now();
    client.change(uri, ++version, [change]);
    await client.diagnostics(uri, version, 60_000);
    times.push(performance.now() - t0);
    onEdit?.(i + 1);
  }
  client.close(uri);
  return times;
}

async function main(): Promise<void> {
  const large = largeImageSh(10_000);
  console.log(
    `typical image.sh: ${TYPICAL_IMAGE_SH.split('\n').length} lines; large: ${large.split('\n').length} lines, ${(large.length / 1024).toFixed(0)} KiB`,
  );
  const client = await LspTestClient.start({ initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const pid = client.process.pid as number;
    console.log(`server RSS after start: ${rssMegabytes(pid).toFixed(1)} MB`);

    const firstOpen = await timeOpen(client, TYPICAL_IMAGE_SH, 1, 'first');
    console.log(`first didOpen (cold wasm): ${fmt(firstOpen[0])}`);
    console.log(`40-line   didOpen   -> diagnostics: ${summary(await timeOpen(client, TYPICAL_IMAGE_SH, 100, 'small'))}`);
    console.log(`40-line   didChange -> diagnostics: ${summary(await timeEdits(client, TYPICAL_IMAGE_SH, 300, 'small-edit'))}`);
    console.log(`10k-line  didOpen   -> diagnostics: ${summary(await timeOpen(client, large, 10, 'large'))}`);

    const rss: string[] = [];
    const editTimes = await timeEdits(client, large, 1000, 'large-edit', (i) => {
      if (i % 250 === 0) rss.push(`${i}: ${rssMegabytes(pid).toFixed(1)} MB`);
    });
    console.log(`10k-line  didChange -> diagnostics: ${summary(editTimes)}`);
    console.log(`          first 100 edits ${summary(editTimes.slice(0, 100))}; last 100 ${summary(editTimes.slice(-100))}`);
    console.log(`server RSS during 1,000 edits of the 10k-line file: ${rss.join(', ')}`);

    // The same analysis in-process, without the protocol (parse from scratch + facts + rules).
    const inProcess: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await analyzeText(TYPICAL_IMAGE_SH);
      inProcess.push(performance.now() - t0);
    }
    console.log(`in-process full analysis of the 40-line file: ${summary(inProcess.slice(5))}`);
    await inProcessMemory(large);
  } finally {
    await client.stop();
  }
}

/**
 * RSS alone cannot tell a leak from a lazy garbage collector, so the same
 * edit loop runs in-process with forced full GCs: JS heap and the WASM
 * memory (trees live there) must stay flat.
 */
async function inProcessMemory(text: string): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const doc = await DocumentTree.create(text);
  const builder = new FactsBuilder();
  const lines = text.split('\n');
  const starts = [0];
  for (const line of lines) starts.push(starts[starts.length - 1] + line.length + 1);
  const samples: string[] = [];
  let seed = 11;
  for (let i = 0; i <= 1000; i++) {
    if (i % 250 === 0) {
      gc();
      const m = process.memoryUsage();
      samples.push(`${i}: heap ${(m.heapUsed / 1e6).toFixed(1)} MB + wasm/external ${(m.external / 1e6).toFixed(1)} MB`);
    }
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const line = seed % lines.length;
    const at = starts[line] + lines[line].length;
    doc.applyEdits([{ start: at, end: at, newText: 'x' }]);
    runRules(builder.build(doc.tree, doc.text));
    doc.applyEdits([{ start: at, end: at + 1, newText: '' }]);
    runRules(builder.build(doc.tree, doc.text));
  }
  doc.dispose();
  console.log(`in-process memory over 1,000 edit pairs of the 10k-line file (after full GC): ${samples.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
