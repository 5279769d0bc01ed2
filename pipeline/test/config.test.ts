/** img_dir_base: argument, else the invoking user's makeimg.conf (via SUDO_USER / PKEXEC_UID), else ./img. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { invokingUser, parseConfig, resolveCacheDir, resolveImgDirBase } from '../src/config';

describe('makeimg config resolution', () => {
  let root: string;
  let passwd: string;
  let aliceHome: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-config-'));
    aliceHome = path.join(root, 'home/alice');
    await fs.mkdir(path.join(aliceHome, '.config'), { recursive: true });
    await fs.writeFile(path.join(aliceHome, '.config/makeimg.conf'), '# images\nimg_dir_base="~/images"\ncache_dir=~/cache\n');
    await fs.mkdir(path.join(root, 'root/.config'), { recursive: true });
    await fs.writeFile(path.join(root, 'root/.config/makeimg.conf'), 'img_dir_base=/root-images\n');
    passwd = path.join(root, 'passwd');
    await fs.writeFile(passwd, `root:x:0:0:root:${root}/root:/bin/bash\nalice:x:1234:1234::${aliceHome}:/bin/bash\n`);
  });
  after(async () => fs.rm(root, { recursive: true, force: true }));

  it('finds the invoking user through SUDO_USER or PKEXEC_UID, not root', () => {
    assert.equal(invokingUser({ SUDO_USER: 'alice', HOME: '/root' }, passwd).home, aliceHome);
    assert.equal(invokingUser({ PKEXEC_UID: '1234' }, passwd).home, aliceHome);
    assert.equal(invokingUser({ HOME: '/somewhere' }, passwd).home, '/somewhere');
  });

  it("reads img_dir_base from the invoking user's config, ~ being their home", () => {
    const viaSudo = resolveImgDirBase(undefined, '/project', { SUDO_USER: 'alice', HOME: `${root}/root` }, passwd);
    assert.deepEqual([viaSudo.path, viaSudo.source], [path.join(aliceHome, 'images'), 'config']);
    const viaPkexec = resolveImgDirBase(undefined, '/project', { PKEXEC_UID: '1234' }, passwd);
    assert.equal(viaPkexec.path, path.join(aliceHome, 'images'));
  });

  it('finds the install cache: --cache-dir, else cache_dir= in the config, else /var/cache/makeimg', () => {
    assert.equal(resolveCacheDir(undefined, '/project', { SUDO_USER: 'alice' }, passwd), path.join(aliceHome, 'cache'));
    assert.equal(resolveCacheDir('c', '/project', { SUDO_USER: 'alice' }, passwd), '/project/c');
    assert.equal(resolveCacheDir(undefined, '/project', { HOME: path.join(root, 'nobody') }, passwd), '/var/cache/makeimg');
  });

  it('lets the argument win, relative to the project directory', () => {
    const r = resolveImgDirBase('out', '/project', { SUDO_USER: 'alice' }, passwd);
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
});
