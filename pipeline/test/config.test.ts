/**
 * img_dir_base: argument, else the invoking user's makeimg.conf (via
 * PKEXEC_UID / SUDO_USER), else ./img. The config is read as that user
 * would (real effective-uid switch: needs root), never blocking, parsed like
 * the original's cfg_parse.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { invokingUser, MAX_CONFIG_BYTES, parseConfig, resolveCacheDir, resolveImgDirBase } from '../src/config';

describe('makeimg config resolution', () => {
  let root: string;
  let passwd: string;
  let aliceHome: string;
  before(async () => {
    if (process.geteuid?.() !== 0) throw new Error('needs root (reads the config as another uid)');
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-config-'));
    await fs.chmod(root, 0o755);
    aliceHome = path.join(root, 'home/alice');
    await fs.mkdir(path.join(aliceHome, '.config'), { recursive: true });
    await fs.writeFile(path.join(aliceHome, '.config/makeimg.conf'), '# images\nimg_dir_base="~/images"\ncache_dir=~/cache\n');
    execFileSync('chown', ['-R', '1234:1234', aliceHome]);
    await fs.mkdir(path.join(root, 'root/.config'), { recursive: true });
    await fs.writeFile(path.join(root, 'root/.config/makeimg.conf'), 'img_dir_base=/root-images\n');
    passwd = path.join(root, 'passwd');
    await fs.writeFile(passwd, `root:x:0:0:root:${root}/root:/bin/bash\nalice:x:1234:1234::${aliceHome}:/bin/bash\n`);
  });
  after(async () => fs.rm(root, { recursive: true, force: true }));

  it('finds the invoking user through SUDO_USER or PKEXEC_UID, not root', () => {
    assert.equal(invokingUser({ SUDO_USER: 'alice', SUDO_UID: '1234', HOME: '/root' }, passwd).home, aliceHome);
    assert.equal(invokingUser({ PKEXEC_UID: '1234' }, passwd).home, aliceHome);
    assert.deepEqual(invokingUser({ PKEXEC_UID: '1234' }, passwd), { name: 'alice', uid: 1234, gid: 1234, home: aliceHome });
  });

  it('lets PKEXEC_UID win over an injected SUDO_USER, and takes SUDO_USER only with its SUDO_UID', () => {
    assert.equal(invokingUser({ PKEXEC_UID: '0', SUDO_USER: 'alice', SUDO_UID: '1234' }, passwd).name, 'root');
    assert.equal(invokingUser({ SUDO_USER: 'alice', HOME: '/h' }, passwd).home, '/h');
    assert.equal(invokingUser({ SUDO_USER: 'alice', SUDO_UID: '0', HOME: '/h' }, passwd).home, '/h');
    assert.equal(invokingUser({ HOME: '/somewhere' }, passwd).home, '/somewhere');
  });

  it("reads img_dir_base from the invoking user's config, ~ being their home", () => {
    const viaSudo = resolveImgDirBase(undefined, '/project', { SUDO_USER: 'alice', SUDO_UID: '1234', HOME: `${root}/root` }, passwd);
    assert.deepEqual([viaSudo.path, viaSudo.source], [path.join(aliceHome, 'images'), 'config']);
    const viaPkexec = resolveImgDirBase(undefined, '/project', { PKEXEC_UID: '1234' }, passwd);
    assert.equal(viaPkexec.path, path.join(aliceHome, 'images'));
  });

  it('finds the install cache: --cache-dir, else cache_dir= in the config, else /var/cache/makeimg', () => {
    assert.equal(resolveCacheDir(undefined, '/project', { SUDO_USER: 'alice', SUDO_UID: '1234' }, passwd), path.join(aliceHome, 'cache'));
    assert.equal(resolveCacheDir('c', '/project', { SUDO_USER: 'alice', SUDO_UID: '1234' }, passwd), '/project/c');
    assert.equal(resolveCacheDir(undefined, '/project', { HOME: path.join(root, 'nobody') }, passwd), '/var/cache/makeimg');
  });

  it('lets the argument win, relative to the project directory', () => {
    const r = resolveImgDirBase('out', '/project', { SUDO_USER: 'alice', SUDO_UID: '1234' }, passwd);
    assert.deepEqual([r.path, r.source], ['/project/out', 'argument']);
  });

  it('defaults to ./img in the project directory without config', () => {
    const r = resolveImgDirBase(undefined, '/project', { HOME: path.join(root, 'nobody') }, passwd);
    assert.deepEqual([r.path, r.source], ['/project/img', 'default']);
  });

  it('parses shell-style config lines', () => {
    assert.equal(parseConfig("# c\n  img_dir_base='/a b'  \n"), '/a b');
    assert.equal(parseConfig('other=1\n'), undefined);
    assert.equal(parseConfig('export img_dir_base=/x\nimg_dir_base=/y\n'), '/y');
  });

  it("parses like the original's cfg_parse: any key case, spaces around =, inline # comments", () => {
    assert.equal(parseConfig('IMG_DIR_BASE=/x\n'), '/x');
    assert.equal(parseConfig('img_dir_base = /x\n'), '/x');
    assert.equal(parseConfig('Img_Dir_Base\t=\t/x\n'), '/x');
    assert.equal(parseConfig('img_dir_base=/x # note\n'), '/x');
    assert.equal(parseConfig('img_dir_base="/a # b" # note\n'), '/a # b');
    assert.equal(parseConfig('img_dir_base=/a#b\n'), '/a#b');
    assert.equal(parseConfig('img_dir_base=/x\r\n'), '/x');
  });

  describe('opening the config as the invoking user would', () => {
    const alice = { PKEXEC_UID: '1234' };
    const conf = (): string => path.join(aliceHome, '.config/makeimg.conf');
    async function withConf(make: () => Promise<void>, check: () => void): Promise<void> {
      const saved = await fs.readFile(conf());
      await fs.rm(conf());
      try {
        await make();
        check();
      } finally {
        await fs.rm(conf(), { force: true });
        await fs.writeFile(conf(), saved);
        await fs.chown(conf(), 1234, 1234);
      }
    }

    it('refuses a link to a file only root can read, without printing it', async () => {
      const secret = path.join(root, 'root-only');
      await fs.writeFile(secret, 'img_dir_base=/SECRET-VALUE\n', { mode: 0o600 });
      await withConf(
        () => fs.symlink(secret, conf()),
        () => {
          assert.throws(
            () => resolveImgDirBase(undefined, '/p', alice, passwd),
            (e: Error) => /cannot read .*makeimg\.conf as alice: permission denied/.test(e.message) && !e.message.includes('SECRET'),
          );
        },
      );
    });

    it('refuses a FIFO at once instead of blocking', async () => {
      await withConf(
        async () => {
          execFileSync('mkfifo', [conf()]);
          await fs.chown(conf(), 1234, 1234);
        },
        () => {
          assert.throws(() => resolveImgDirBase(undefined, '/p', alice, passwd), /is not a regular file/);
        },
      );
    });

    it('refuses a link to /dev/zero and a file larger than a config', async () => {
      await withConf(
        () => fs.symlink('/dev/zero', conf()),
        () => {
          assert.throws(() => resolveImgDirBase(undefined, '/p', alice, passwd), /is not a regular file/);
        },
      );
      await withConf(
        () => fs.writeFile(conf(), 'x'.repeat(MAX_CONFIG_BYTES + 1)),
        () => {
          assert.throws(() => resolveImgDirBase(undefined, '/p', alice, passwd), /larger than/);
        },
      );
    });
  });
});
