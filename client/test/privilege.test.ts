/**
 * The build through real pkexec + polkitd, as an unprivileged user: the
 * client's launcher (support/run-launcher.ts) runs as `makeimg-test`, whom a
 * polkit rule (scripts/test-users) authorizes, and builds a small image.sh
 * with the bundled pipeline (dist/makeimg.js) as root. `makeimg-denied` is
 * refused by a rule; `nobody` has no rule and no agent. Needs root to set up.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { bundleForOtherUsers } from '../../shared/test/support/bundle-for-user';
import type { BuildOutcome } from '../src/build/outcome';
import { POLKIT_LAUNCHER } from '../src/build/argv';

const ROOT = join(__dirname, '..', '..');
const RUNNER = join(__dirname, 'support', 'run-launcher.ts');

interface Run {
  events: BuildEvent[];
  outcome: BuildOutcome;
  output: string[];
}

/** Runs the launcher as `user` (setpriv: no session, like a process of that user's editor). */
function runAs(user: string, args: string[]): Promise<Run> {
  const home = user === 'nobody' ? '/nonexistent' : `/home/${user}`;
  const { uid, gid } = idsOf(user);
  const child = spawn(
    'setpriv',
    [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      '--init-groups',
      'env',
      '-i',
      `HOME=${home}`,
      `USER=${user}`,
      `LOGNAME=${user}`,
      `PATH=${process.env.PATH}`,
      // The user may not be able to enter the checkout (CI under /root): run a public bundle.
      // The pipeline itself runs as root through pkexec, from dist/.
      process.execPath,
      bundleForOtherUsers(RUNNER),
      '--pipeline',
      join(ROOT, 'dist', 'makeimg.js'),
      ...args,
    ],
    { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const run: Run = { events: [], outcome: undefined as unknown as BuildOutcome, output: [] };
      for (const line of stdout.split('\n').filter(Boolean)) {
        const v = JSON.parse(line) as { event?: BuildEvent; outcome?: BuildOutcome; output?: string };
        if (v.event) run.events.push(v.event);
        if (v.outcome) run.outcome = v.outcome;
        if (v.output !== undefined) run.output.push(v.output);
      }
      if (!run.outcome) reject(new Error(`runner exited ${code} without an outcome:\n${stderr}\n${stdout}`));
      else resolve(run);
    });
  });
}

function idsOf(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' })),
  };
}

/** A project directory owned by `user`, holding `imageSh`. */
function projectFor(user: string, imageSh: string): string {
  const dir = mkdtempSync('/tmp/makeimg-priv-');
  writeFileSync(join(dir, 'image.sh'), imageSh);
  const { uid, gid } = idsOf(user);
  chownSync(dir, uid, gid);
  chownSync(join(dir, 'image.sh'), uid, gid);
  return dir;
}

describe('client build through pkexec (real polkit)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];

  before(function () {
    // Creating users and polkit rules needs root; a non-root run fails rather than skipping (CI runs as root).
    if (process.getuid?.() !== 0) throw new Error('the privilege tests need root (test users, polkit rule, services)');
    assert.ok(existsSync(join(ROOT, 'dist', 'makeimg.js')), 'dist/makeimg.js is missing: run npm run build first');
    execFileSync(join(ROOT, 'scripts', 'start-services'), { stdio: 'inherit' });
    execFileSync(join(ROOT, 'scripts', 'test-users'), { stdio: 'inherit' });
    execFileSync(join(ROOT, 'scripts', 'install-launcher'), { stdio: 'inherit' });
  });

  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('an authorized user builds the image as root, with events', async () => {
    const dir = projectFor(
      'makeimg-test',
      [
        'img_name=priv.tar.gz',
        'do_install()',
        '{',
        '    mkdir -p "$img_dir/etc"',
        '    id -u > "$img_dir/etc/built-by"',
        '    echo "hello from do_install"',
        '}',
        '',
      ].join('\n'),
    );
    dirs.push(dir);
    const run = await runAs('makeimg-test', ['--directory', dir, '--img-dir-base', 'img']);
    assert.equal(run.outcome.kind, 'built', JSON.stringify(run.outcome) + '\n' + run.output.join('\n'));
    const started: string[] = run.events.flatMap((e) => (e.type === 'stage' && e.state === 'start' ? [e.stage] : []));
    assert.deepEqual(
      started,
      STAGES.filter((s) => started.includes(s)),
      'stages start in order',
    );
    assert.ok(started.includes('install') && started.includes('archive'), `stages started: ${started.join(', ')}`);
    assert.ok(
      run.events.some((e) => e.type === 'log' && e.text.includes('hello from do_install')),
      'hook output arrives as log events',
    );
    const image = join(dir, 'img', 'priv.tar.gz');
    assert.equal(run.outcome.kind === 'built' && run.outcome.result.imgPath, image);
    // Written by root, handed to the user who asked for it (issue 12: outputs belong to the invoking user).
    assert.equal(
      statSync(image).uid,
      Number(execFileSync('id', ['-u', 'makeimg-test'], { encoding: 'utf8' })),
      'the image belongs to the invoking user',
    );
    const builtBy = execFileSync('tar', ['-xzOf', image, './etc/built-by'], { encoding: 'utf8' }).trim();
    assert.equal(builtBy, '0', 'do_install ran as root');
  });

  it('cancel (closing stdin) stops the root build and leaves no image or process', async () => {
    // A marker no other process has, to look for leftovers.
    const marker = `987${process.pid % 1000}`;
    const dir = projectFor(
      'makeimg-test',
      ['img_name=cancelled.tar.gz', 'do_install()', '{', '    mkdir -p "$img_dir/etc"', `    sleep ${marker}`, '}', ''].join('\n'),
    );
    dirs.push(dir);
    const started = Date.now();
    const run = await runAs('makeimg-test', ['--directory', dir, '--img-dir-base', 'img', '--cancel-on', 'install']);
    assert.equal(run.outcome.kind, 'cancelled', JSON.stringify(run.outcome) + '\n' + run.output.join('\n'));
    assert.ok(Date.now() - started < 60_000, 'cancel does not wait for the hook');
    const result = run.events.find((e) => e.type === 'result');
    assert.ok(result?.type === 'result' && result.cancelled, 'the pipeline confirms the cancellation');
    const imgBase = join(dir, 'img');
    const left = existsSync(imgBase) ? readdirSync(imgBase) : [];
    assert.ok(!left.some((f) => f.startsWith('cancelled.tar')), `no archive or temporary archive left: ${left.join(', ')}`);
    const kept = run.outcome.kind === 'cancelled' ? run.outcome.kept : [];
    for (const f of left)
      assert.ok(
        kept.some((k) => k.endsWith(f)),
        `${f} is left but not reported as kept`,
      );
    const sleepers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`sleep ${marker}`));
    assert.deepEqual(sleepers, [], 'the hook is stopped');
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.split(' ')[4]?.startsWith(dir));
    assert.deepEqual(mounts, [], 'no mounts are left');
  });

  it("invalid input (pipeline exit 2) comes back with the pipeline's own message", async () => {
    const dir = projectFor('makeimg-test', 'do_install() { :; }\n');
    dirs.push(dir);
    const run = await runAs('makeimg-test', ['--directory', dir]);
    assert.equal(run.outcome.kind, 'invalid', JSON.stringify(run.outcome));
    assert.match(run.outcome.kind === 'invalid' ? run.outcome.message : '', /img_name/);
  });

  it("a user whose rule names only org.makeimg.build builds through makeimg's launcher", async () => {
    const dir = projectFor(
      'makeimg-builder',
      'img_name=launcher.tar\ndo_install() { mkdir -p "$img_dir/etc"; id -u > "$img_dir/etc/built-by"; }\n',
    );
    dirs.push(dir);
    const run = await runAs('makeimg-builder', ['--directory', dir, '--img-dir-base', 'img', '--launcher', POLKIT_LAUNCHER]);
    assert.equal(run.outcome.kind, 'built', JSON.stringify(run.outcome) + '\n' + run.output.join('\n'));
    const builtBy = execFileSync('tar', ['-xOf', join(dir, 'img', 'launcher.tar'), './etc/built-by'], { encoding: 'utf8' }).trim();
    assert.equal(builtBy, '0');
  });

  it('that rule does not let the user run anything else: pkexec /usr/bin/env id is refused', () => {
    const { uid, gid } = idsOf('makeimg-builder');
    const r = spawnSync(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'pkexec', '--disable-internal-agent', '/usr/bin/env', 'id', '-u'],
      {
        encoding: 'utf8',
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    assert.notEqual(r.status, 0, `pkexec /usr/bin/env ran: ${r.stdout}`);
    assert.doesNotMatch(r.stdout, /^0$/m);
    // The launcher itself is allowed, and runs nothing but makeimg.
    const ok = spawnSync(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'pkexec', '--disable-internal-agent', POLKIT_LAUNCHER, '--version'],
      {
        encoding: 'utf8',
        cwd: '/',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^makeimg /);
  });

  it('a user a polkit rule denies gets "not authorized"', async () => {
    const dir = projectFor('makeimg-denied', 'img_name=denied.tar\ndo_install() { :; }\n');
    dirs.push(dir);
    const run = await runAs('makeimg-denied', ['--directory', dir]);
    assert.equal(run.outcome.kind, 'not-authorized', JSON.stringify(run.outcome));
    assert.equal(run.events.length, 0, 'the pipeline never ran');
    assert.ok(!existsSync(join(dir, 'img')));
  });

  it('a user without a rule or an agent gets "no authentication agent"', async () => {
    const dir = projectFor('nobody', 'img_name=noagent.tar\ndo_install() { :; }\n');
    dirs.push(dir);
    const run = await runAs('nobody', ['--directory', dir]);
    assert.equal(run.outcome.kind, 'no-agent', JSON.stringify(run.outcome));
  });
});
