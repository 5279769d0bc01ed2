/**
 * ShellcheckService with real processes: the real shellcheck, and small
 * wrapper scripts on disk (record their pid, optionally sleep, then exec
 * shellcheck) to observe debouncing, cancellation and timeouts.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { ShellcheckService } from '../src/shellcheck/service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects publish calls; `next()` returns them in order, waiting for one not yet returned. */
class Published {
  readonly calls: { version: number; diagnostics: Diagnostic[] }[] = [];
  private returned = 0;
  readonly publish = (diagnostics: Diagnostic[], version: number): void => {
    this.calls.push({ version, diagnostics });
  };
  async next(timeoutMs = 8000): Promise<{ version: number; diagnostics: Diagnostic[] }> {
    await waitFor(() => this.calls.length > this.returned, 'a publish', timeoutMs);
    return this.calls[this.returned++];
  }
}

/** Whether any live (non-zombie) process is in process group `pgid`. */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const IMAGE_SH = [
  'img_name=demo.tar.gz',
  'postinstall_files_src=(sudoers)',
  'postinstall_files_dst=(etc/sudoers.d/admin)',
  'unused_thing=1',
  'do_install() {',
  '  cp -r "$src_dir/rootfs/." "$img_dir"',
  '  echo "$undefined_var" > "$img_dir/etc/motd"',
  '}',
  '',
].join('\n');

const ON = (path = 'shellcheck') => ({ enable: true, path });

describe('shellcheck: service (real processes)', function () {
  let dir: string;
  let logs: string[];
  let service: ShellcheckService | undefined;

  /** A wrapper that appends its pid to `pids`, sleeps, then execs the real shellcheck. */
  function wrapper(name: string, sleepSeconds: number): { path: string; pids: () => number[] } {
    const pidFile = join(dir, `${name}.pids`);
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\necho $$ >> '${pidFile}'\nsleep ${sleepSeconds}\nexec shellcheck "$@"\n`);
    chmodSync(path, 0o755);
    const pids = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) : []);
    return { path, pids };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'makeimg-shellcheck-'));
    logs = [];
  });
  afterEach(() => {
    service?.dispose();
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('suppresses SC2034/SC2154 only for contract names', async () => {
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, ON(), published.publish);
    const { version, diagnostics } = await published.next();
    assert.equal(version, 1);
    const findings = diagnostics.map((d) => `${String(d.code)} ${(d.message as string).split(' ')[0]}`).sort();
    assert.deepEqual(findings, ['SC2034 unused_thing', 'SC2154 undefined_var']);
    assert.deepEqual(logs, []);
  });

  it('checks in the document directory, so sourced files and .shellcheckrc count', async () => {
    writeFileSync(join(dir, 'lib.sh'), 'helper_var=1\n');
    writeFileSync(join(dir, '.shellcheckrc'), 'disable=SC2086\n');
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    const text = 'source ./lib.sh\necho "$helper_var" $1\ncd /tmp\n';
    service.schedule(pathToFileURL(join(dir, 'image.sh')).href, 1, text, ON(), published.publish);
    const { diagnostics } = await published.next();
    // No SC1091 (not following), no SC2154 for helper_var, no SC2086 (the rc disables it): only the unchecked cd.
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['SC2164'],
    );
    assert.deepEqual(logs, []);
  });

  it('debounces: quick edits start one process, for the last version', async () => {
    const counting = wrapper('counting-shellcheck', 0);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 400 });
    const published = new Published();
    for (let version = 1; version <= 5; version++) {
      service.schedule('file:///nowhere/image.sh', version, IMAGE_SH, ON(counting.path), published.publish);
      await sleep(10);
    }
    const { version } = await published.next();
    assert.equal(version, 5);
    assert.equal(counting.pids().length, 1);
    await sleep(200);
    assert.equal(published.calls.length, 1);
  });

  it('a new edit kills the running shellcheck of that document (its whole process group)', async () => {
    const slow = wrapper('slow-shellcheck', 5);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, ON(slow.path), published.publish);
    await waitFor(() => slow.pids().length === 1, 'the slow shellcheck to start');
    const [firstPid] = slow.pids();
    assert.ok(groupAlive(firstPid));

    service.schedule('file:///nowhere/image.sh', 2, 'echo $1\n', ON(), published.publish);
    await waitFor(() => !groupAlive(firstPid), 'the slow shellcheck (and its sleep) to be killed', 2000);
    const { version, diagnostics } = await published.next();
    assert.equal(version, 2);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['SC2086'],
    );
    assert.equal(published.calls.length, 1);
  });

  it('forget kills the running check and publishes nothing', async () => {
    const slow = wrapper('slow-shellcheck', 5);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, ON(slow.path), published.publish);
    await waitFor(() => slow.pids().length === 1, 'the slow shellcheck to start');
    service.forget('file:///nowhere/image.sh');
    await waitFor(() => !groupAlive(slow.pids()[0]), 'the slow shellcheck to be killed', 2000);
    await sleep(100);
    assert.equal(published.calls.length, 0);
  });

  it('a missing shellcheck gives no diagnostics and one log line', async () => {
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    const missing = join(dir, 'no-such-shellcheck');
    for (let version = 1; version <= 3; version++) {
      service.schedule('file:///nowhere/image.sh', version, IMAGE_SH, ON(missing), published.publish);
      assert.deepEqual(await published.next(), { version, diagnostics: [] });
    }
    assert.equal(logs.length, 1);
    assert.match(logs[0], /ShellCheck is unavailable .*no-such-shellcheck/);
    // A name looked up on PATH behaves the same.
    service.schedule('file:///nowhere/image.sh', 4, IMAGE_SH, ON('shellcheck-not-installed-here'), published.publish);
    assert.deepEqual((await published.next()).diagnostics, []);
    assert.equal(logs.length, 2);
    // So does a path the system cannot even take (spawn throws instead of failing).
    service.schedule('file:///nowhere/image.sh', 5, IMAGE_SH, ON('bad\0path'), published.publish);
    assert.deepEqual((await published.next()).diagnostics, []);
    assert.equal(logs.length, 3);
    assert.match(logs[2], /ShellCheck is unavailable .*null bytes/);
  });

  it('once shellcheck works again, losing it again is logged again', async () => {
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    const comesAndGoes = wrapper('comes-and-goes', 0).path;
    const away = `${comesAndGoes}.away`;
    const run = async (version: number) => {
      service!.schedule('file:///nowhere/image.sh', version, IMAGE_SH, ON(comesAndGoes), published.publish);
      return (await published.next()).diagnostics.length;
    };
    renameSync(comesAndGoes, away);
    assert.equal(await run(1), 0);
    renameSync(away, comesAndGoes);
    assert.equal(await run(2), 2);
    renameSync(comesAndGoes, away);
    assert.equal(await run(3), 0);
    assert.equal(await run(4), 0);
    assert.equal(logs.length, 2);
    assert.ok(logs.every((m) => m.startsWith('ShellCheck is unavailable')));
  });

  it('a run past the timeout is killed, yields no diagnostics and is logged once', async () => {
    const slow = wrapper('slow-shellcheck', 5);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0, timeoutMs: 300 });
    const published = new Published();
    const started = Date.now();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, ON(slow.path), published.publish);
    assert.deepEqual(await published.next(), { version: 1, diagnostics: [] });
    assert.ok(Date.now() - started < 2000, 'published soon after the timeout');
    await waitFor(() => !groupAlive(slow.pids()[0]), 'the timed-out shellcheck to be killed', 2000);
    service.schedule('file:///nowhere/image.sh', 2, IMAGE_SH, ON(slow.path), published.publish);
    assert.deepEqual(await published.next(), { version: 2, diagnostics: [] });
    assert.deepEqual(logs, ['ShellCheck took longer than 300 ms on file:///nowhere/image.sh and was stopped; its findings are left out.']);
  });

  it('path setting: empty means "shellcheck" on PATH, ~/ means the home directory', async () => {
    const counting = wrapper('counting-shellcheck', 0);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, 'echo $1\n', ON('  '), published.publish);
    assert.deepEqual(
      (await published.next()).diagnostics.map((d) => d.code),
      ['SC2086'],
    );
    const home = process.env.HOME;
    process.env.HOME = dir;
    try {
      service.schedule('file:///nowhere/image.sh', 2, 'echo $1\n', ON('~/counting-shellcheck'), published.publish);
      assert.deepEqual(
        (await published.next()).diagnostics.map((d) => d.code),
        ['SC2086'],
      );
    } finally {
      process.env.HOME = home;
    }
    assert.equal(counting.pids().length, 1);
    assert.deepEqual(logs, []);
  });

  it('disabled: publishes an empty list without starting a process', async () => {
    const counting = wrapper('counting-shellcheck', 0);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, { enable: false, path: counting.path }, published.publish);
    assert.deepEqual(await published.next(), { version: 1, diagnostics: [] });
    await sleep(100);
    assert.deepEqual(counting.pids(), []);
  });

  it('a shellcheck that fails (bad output) is logged, not thrown', async () => {
    const broken = join(dir, 'broken-shellcheck');
    writeFileSync(broken, '#!/bin/sh\necho "unrecognized option --format=json1" >&2\nexit 4\n');
    chmodSync(broken, 0o755);
    service = new ShellcheckService((m) => logs.push(m), { debounceMs: 0 });
    const published = new Published();
    service.schedule('file:///nowhere/image.sh', 1, IMAGE_SH, ON(broken), published.publish);
    assert.deepEqual((await published.next()).diagnostics, []);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /failed: exit 4: unrecognized option --format=json1/);
  });
});
