/**
 * Runs the real makeimg CLI (pipeline/src/cli/main.ts through tsx) as a child
 * process, as the editor and a terminal do, and collects its --json events.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeEvent, type BuildEvent } from '../../../shared/events';
import { LineSplitter } from '../../../shared/lines';
import { bundleForOtherUsers } from '../../../shared/test/support/bundle-for-user';

export const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'pipeline/src/cli/main.ts');
const TSX = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const TEXT_FILES = path.join(REPO, 'scripts/text-files.cjs');

export interface MakeimgResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: BuildEvent[];
}

export interface RunningMakeimg {
  child: ChildProcessWithoutNullStreams;
  done: Promise<MakeimgResult>;
  /** Resolves with the first event matching `test`. */
  waitFor(test: (e: BuildEvent) => boolean): Promise<BuildEvent>;
}

export interface MakeimgOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this unprivileged uid (and gid) instead of root. */
  asUid?: number;
  /** Run the bundle (dist/makeimg.js, `node scripts/bundle.mjs` first): starts in a fraction of tsx's time. */
  bundled?: boolean;
}

const BUNDLE = path.join(REPO, 'dist/makeimg.js');

export function startMakeimg(args: string[], opts: MakeimgOptions = {}): RunningMakeimg {
  // Another user may not be able to enter the checkout: give them a public bundle.
  const command =
    opts.asUid === undefined
      ? opts.bundled
        ? [process.execPath, BUNDLE, ...args]
        : [process.execPath, '--require', TEXT_FILES, '--import', TSX, CLI, ...args]
      : [process.execPath, bundleForOtherUsers(CLI), ...args];
  const argv =
    opts.asUid === undefined ? command : ['setpriv', `--reuid=${opts.asUid}`, `--regid=${opts.asUid}`, '--clear-groups', ...command];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd ?? (opts.asUid === undefined ? REPO : '/'),
    env: { ...process.env, NO_COLOR: '1', ...(opts.asUid === undefined ? {} : { HOME: '/tmp' }), ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const events: BuildEvent[] = [];
  const waiters: { test: (e: BuildEvent) => boolean; resolve: (e: BuildEvent) => void }[] = [];
  const lines = new LineSplitter(Infinity);
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const l of lines.push(c)) {
      const e = decodeEvent(l);
      if (!e) continue;
      events.push(e);
      for (const w of [...waiters]) {
        if (w.test(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<MakeimgResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, events }));
  });
  return {
    child,
    done,
    waitFor(test) {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void done.then(() => reject(new Error(`makeimg ended before the awaited event; stderr: ${stderr}; stdout: ${stdout}`)));
      });
    },
  };
}

/** Run to the end; stdin stays open (a closed stdin cancels a --json build). */
export async function runMakeimg(args: string[], opts: MakeimgOptions = {}): Promise<MakeimgResult> {
  const running = startMakeimg(args, opts);
  const result = await running.done;
  running.child.stdin.destroy();
  return result;
}

export function errorEvent(r: MakeimgResult): Extract<BuildEvent, { type: 'error' }> | undefined {
  return r.events.find((e): e is Extract<BuildEvent, { type: 'error' }> => e.type === 'error');
}

export function resultEvent(r: MakeimgResult): Extract<BuildEvent, { type: 'result' }> | undefined {
  return r.events.find((e): e is Extract<BuildEvent, { type: 'result' }> => e.type === 'result');
}
