/**
 * The config of the user who invoked makeimg, for real: through pkexec (which
 * clears the environment, sets PKEXEC_UID and starts in /root) and with the
 * SUDO_USER that sudo sets. Uses the unprivileged test user and polkit rule of
 * scripts/test-users, and the bundled dist/makeimg.js the editor starts.
 *
 * That user is shared with the client's tests, so its makeimg.conf exists only
 * for the moment of each check (other builds as that user must not see it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { TINY } from './support/projects';
import { REPO, runMakeimg } from './support/run-makeimg';

const USER = 'makeimg-test';
const OTHER = 'makeimg-denied';

function uidOf(user: string): string {
  return execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
}

describe('makeimg config of the invoking user (pkexec, sudo)', function () {
  // Two confined `check` runs per test: on a loaded 2-core machine each can take half a minute.
  this.timeout(180_000);
  let home: string;
  let project: string;
  let configFile: string;
  before(async () => {
    if (process.geteuid?.() !== 0) throw new Error('needs root (creates a test user and a polkit rule)');
    execFileSync(path.join(REPO, 'scripts/start-services'), { stdio: 'ignore' });
    execFileSync(path.join(REPO, 'scripts/test-users'), { stdio: 'ignore' });
    if (!existsSync(path.join(REPO, 'dist/makeimg.js'))) execFileSync('node', [path.join(REPO, 'scripts/bundle.mjs')]);
    home = execFileSync('getent', ['passwd', USER], { encoding: 'utf8' }).split(':')[5]!;
    project = path.join(home, `makeimg-config-test-${process.pid}`);
    configFile = path.join(home, '.config/makeimg.conf');
    await fs.cp(TINY, project, { recursive: true });
    execFileSync('chown', ['-R', `${USER}:${USER}`, project]);
  });
  after(async () => {
    if (project) await fs.rm(project, { recursive: true, force: true });
  });

  /** Run `check` with the user's config in place, and only then. */
  async function withConfig<T>(run: () => Promise<T> | T): Promise<T> {
    await fs.mkdir(path.dirname(configFile), { recursive: true });
    await fs.writeFile(configFile, 'img_dir_base=~/configured-images\n');
    try {
      return await run();
    } finally {
      await fs.rm(configFile, { force: true });
    }
  }

  it("reads ~/.config/makeimg.conf of the pkexec caller, not root's", async () => {
    const r = await withConfig(() =>
      spawnSync(
        'setpriv',
        [
          `--reuid=${USER}`,
          `--regid=${USER}`,
          '--init-groups',
          'pkexec',
          '--disable-internal-agent',
          process.execPath,
          path.join(REPO, 'dist/makeimg.js'),
          'check',
          '--directory',
          project,
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } },
      ),
    );
    assert.equal(r.status, EXIT.OK, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^img_dir_base: ${path.join(home, 'configured-images')} \\(config\\)$`, 'm'));
  });

  it('reads it through SUDO_USER, and the argument still wins', async () => {
    const [viaSudo, argument] = await withConfig(async () => [
      await runMakeimg(['check', '--directory', project], { env: { SUDO_USER: USER, SUDO_UID: uidOf(USER), HOME: '/root' } }),
      await runMakeimg(['check', '--directory', project, '/srv/elsewhere'], { env: { SUDO_USER: USER, SUDO_UID: uidOf(USER) } }),
    ]);
    assert.equal(viaSudo.code, EXIT.OK, viaSudo.stderr);
    assert.match(viaSudo.stdout, new RegExp(`^img_path: +${path.join(home, 'configured-images', 'tiny.tar.gz')}$`, 'm'));
    assert.match(argument.stdout, /^img_dir_base: \/srv\/elsewhere \(argument\)$/m);
  });

  it("a pkexec caller cannot inject SUDO_USER to get another user's config (PKEXEC_UID wins)", async () => {
    const otherHome = execFileSync('getent', ['passwd', OTHER], { encoding: 'utf8' }).split(':')[5]!;
    const otherConfig = path.join(otherHome, '.config/makeimg.conf');
    await fs.mkdir(path.dirname(otherConfig), { recursive: true });
    await fs.writeFile(otherConfig, 'img_dir_base=/other-users-images\n');
    try {
      const r = await withConfig(() =>
        spawnSync(
          'setpriv',
          [
            `--reuid=${USER}`,
            `--regid=${USER}`,
            '--init-groups',
            'pkexec',
            '--disable-internal-agent',
            '/usr/bin/env',
            `SUDO_USER=${OTHER}`,
            `SUDO_UID=${uidOf(OTHER)}`,
            process.execPath,
            path.join(REPO, 'dist/makeimg.js'),
            'check',
            '--directory',
            project,
          ],
          { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } },
        ),
      );
      assert.equal(r.status, EXIT.OK, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /other-users-images/);
      assert.match(r.stdout, new RegExp(`^img_dir_base: ${path.join(home, 'configured-images')} \\(config\\)$`, 'm'));
    } finally {
      await fs.rm(otherConfig, { force: true });
    }
  });

  it('SUDO_USER counts only with the matching SUDO_UID', async () => {
    const r = await withConfig(() =>
      runMakeimg(['check', '--directory', project], { env: { SUDO_USER: USER, SUDO_UID: '0', HOME: '/nonexistent' } }),
    );
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.match(r.stdout, /^img_dir_base: .* \(default\)$/m);
  });
});
