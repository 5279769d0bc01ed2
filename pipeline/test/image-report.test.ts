/**
 * The build report and the image hygiene checks (issue 15), on real trees
 * and real archives: a crafted tree where every check fires, a clean one
 * where none does, numbers against find(1), and the same report from a
 * directory walk and from .tar, .tar.gz, .tar.xz and .tar.zst streams.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { IMAGE_CHECKS } from '../../shared/image-report';
import type { ImageReport } from '../../shared/image-report';
import { archiveImage } from '../src/archive/stage';
import { readHostFacts } from '../src/report/hygiene';
import { buildReport } from '../src/report/report';
import { scanArchive } from '../src/report/scan-archive';
import { scanTree } from '../src/report/scan-tree';
import { Scratch } from './support/projects';
import { runMakeimg } from './support/run-makeimg';

const LONG_DIR = `/usr/share/${'a-rather-long-directory-name/'.repeat(5)}`;

/** A rootfs with one of everything the report lists and every hygiene problem. */
async function dirtyTree(root: string): Promise<void> {
  const host = await readHostFacts();
  const file = async (p: string, content: string | Buffer, mode = 0o644, uid = 0, gid = 0) => {
    const full = path.join(root, p);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, content);
    await fs.chown(full, uid, gid); // before chmod: chown clears setuid
    await fs.chmod(full, mode);
  };
  await file('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/bash\n');
  await file('etc/group', 'root:x:0:\nuser:x:1000:\n');
  await file('etc/machine-id', '0123456789abcdef0123456789abcdef\n'); // MKIMG101
  await file('var/lib/dbus/machine-id', 'fedcba9876543210fedcba9876543210\n'); // MKIMG102
  await file('etc/resolv.conf', host.resolvConf ?? 'nameserver 192.0.2.1\n'); // MKIMG103
  await file('etc/hostname', `${host.hostname ?? hostname()}\n`); // MKIMG104
  await file('etc/ssh/ssh_host_ed25519_key', 'secret', 0o600); // MKIMG105
  await file('etc/ssh/ssh_host_ed25519_key.pub', 'public');
  await file('var/cache/apt/archives/bash_5.2_amd64.deb', Buffer.alloc(1500, 1)); // MKIMG106
  await file('var/cache/apt/archives/lock', '');
  await file('var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', Buffer.alloc(700, 2)); // MKIMG107
  await file('var/log/dpkg.log', 'installed bash\n'); // MKIMG108
  await file('var/log/empty.log', '');
  await file('tmp/leftover', 'x'); // MKIMG109
  await file('root/.bash_history', 'curl secret\n', 0o600); // MKIMG110
  // No os-release: MKIMG111.
  await file('srv/shared.txt', 'anyone', 0o666); // MKIMG112
  await fs.mkdir(path.join(root, 'srv/drop'), { mode: 0o777 });
  await fs.chmod(path.join(root, 'srv/drop'), 0o777);
  await fs.mkdir(path.join(root, 'var/spool/sticky'), { recursive: true });
  await fs.chmod(path.join(root, 'var/spool/sticky'), 0o1777); // sticky: not a finding
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await file('usr/bin/tool', Buffer.alloc(4000, 3), 0o4755, 1000, 1000); // MKIMG113
  await file('usr/bin/su', Buffer.alloc(5000, 4), 0o4755);
  await file('usr/bin/wall', Buffer.alloc(600, 5), 0o2755, 0, 5);
  await file('usr/bin/ping', Buffer.alloc(900, 6), 0o755);
  execFileSync('setcap', ['cap_net_raw=ep', path.join(root, 'usr/bin/ping')]);
  // A capability on a file nobody can execute does nothing: not listed, from a tree or an archive.
  await file('usr/share/not-a-program', 'data', 0o644);
  execFileSync('setcap', ['cap_sys_admin=ep', path.join(root, 'usr/share/not-a-program')]);
  await file('usr/lib/libbig.so', Buffer.alloc(300_000, 7));
  await fs.link(path.join(root, 'usr/lib/libbig.so'), path.join(root, 'usr/lib/a-second-name.so'));
  await file('usr/share/dóc file.txt', 'unicode and a space');
  await file(`${LONG_DIR}long-file-name-beyond-one-hundred-characters.txt`, 'long');
  await file('opt/stranger', 'who?', 0o644, 4242, 4343);
  await fs.symlink('usr/bin', path.join(root, 'bin'));
  await fs.mkdir(path.join(root, 'dev'));
  execFileSync('mknod', ['-m', '666', path.join(root, 'dev/null'), 'c', '1', '3']);
  execFileSync('mknod', ['-m', '660', path.join(root, 'dev/loop0'), 'b', '7', '0']);
  execFileSync('mkfifo', [path.join(root, 'dev/initctl')]);
}

/** The smallest tree that passes every check. */
async function cleanTree(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'etc'), { recursive: true });
  await fs.mkdir(path.join(root, 'usr/lib'), { recursive: true });
  await fs.mkdir(path.join(root, 'tmp'), { mode: 0o1777 });
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await fs.writeFile(path.join(root, 'etc/machine-id'), '');
  await fs.writeFile(path.join(root, 'usr/lib/os-release'), 'ID=clean\n');
  await fs.symlink('../usr/lib/os-release', path.join(root, 'etc/os-release'));
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  await fs.mkdir(path.join(root, 'var/log'), { recursive: true });
  await fs.writeFile(path.join(root, 'var/log/empty.log'), '');
}

/** What find(1) says about a tree: content bytes (hard links once, under the first name) by top-level dir, and counts. */
function findFacts(root: string) {
  const lines = execFileSync('find', [root, '-type', 'f', '-printf', '%i %s %P\\n'], { maxBuffer: 64 << 20 })
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);
  const byInode = new Map<string, { size: number; names: string[] }>();
  for (const l of lines) {
    const [inode, size, ...rest] = l.split(' ');
    const name = '/' + rest.join(' ');
    const g = byInode.get(inode!) ?? { size: Number(size), names: [] };
    g.names.push(name);
    byInode.set(inode!, g);
  }
  const byTop = new Map<string, number>();
  let total = 0;
  const sizes: { path: string; bytes: number }[] = [];
  for (const g of byInode.values()) {
    g.names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const first = g.names[0]!;
    const i = first.indexOf('/', 1);
    const top = i < 0 ? '/' : first.slice(0, i);
    byTop.set(top, (byTop.get(top) ?? 0) + g.size);
    total += g.size;
    sizes.push({ path: first, bytes: g.size });
  }
  const count = (type: string) =>
    Number(
      execFileSync('sh', ['-c', `find "$1" -type ${type} | wc -l`, 'sh', root])
        .toString()
        .trim(),
    );
  sizes.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    total,
    byTop,
    files: lines.length,
    directories: count('d'),
    symlinks: count('l'),
    devices: count('c') + count('b'),
    largest: sizes.slice(0, 20),
  };
}

function assertMatchesFind(report: ImageReport, root: string): void {
  const f = findFacts(root);
  assert.equal(report.totalBytes, f.total);
  assert.deepEqual(new Map(report.byTopDir.map((s) => [s.path, s.bytes])), f.byTop);
  assert.equal(report.counts.files, f.files);
  assert.equal(report.counts.directories, f.directories);
  assert.equal(report.counts.symlinks, f.symlinks);
  assert.equal(report.counts.devices, f.devices);
  assert.deepEqual(report.largest, f.largest);
}

const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tar.xz', '.tar.zst'];

describe('build report and image hygiene checks', function () {
  this.timeout(120_000);
  const scratch = Scratch.forRootSuite();

  it('fires every hygiene check on a crafted tree, with a fix for the right hook', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const report = buildReport(await scanTree(root), { host: await readHostFacts() });
    assert.deepEqual(
      report.findings.map((f) => f.code),
      IMAGE_CHECKS.map((c) => c.code),
    );
    const by = (code: string) => report.findings.find((f) => f.code === code)!;
    assert.equal(by('MKIMG103').hook, 'do_install');
    assert.equal(by('MKIMG106').bytes, 1500);
    assert.equal(by('MKIMG107').bytes, 700);
    assert.deepEqual(by('MKIMG108').paths, ['/var/log/dpkg.log']);
    assert.deepEqual(by('MKIMG109').paths, ['/tmp/leftover']);
    // do_postinstall sees a tmpfs on /tmp (nspawn's), not the image's: the fix is do_install's, under $img_dir.
    assert.equal(by('MKIMG109').hook, 'do_install');
    assert.equal(by('MKIMG109').fix, 'rm -rf "$img_dir/tmp/leftover"');
    assert.deepEqual(by('MKIMG112').paths, ['/srv/drop', '/srv/shared.txt']);
    assert.deepEqual(by('MKIMG113').paths, ['/usr/bin/tool']);
    for (const f of report.findings) assert.ok(f.why && f.fix && f.message, f.code);
  });

  it('lists special files and owners the image cannot name', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const report = buildReport(await scanTree(root), { host: await readHostFacts() });
    assert.deepEqual(
      report.setuid.map((s) => [s.path, s.mode, s.uid]),
      [
        ['/usr/bin/su', '4755', 0],
        ['/usr/bin/tool', '4755', 1000],
      ],
    );
    assert.deepEqual(
      report.setgid.map((s) => [s.path, s.mode, s.gid]),
      [['/usr/bin/wall', '2755', 5]],
    );
    assert.deepEqual(
      report.capabilities.map((s) => [s.path, s.capabilities]),
      [['/usr/bin/ping', 'cap_net_raw=ep']],
    );
    assert.deepEqual(report.devices, [
      { path: '/dev/loop0', kind: 'block', major: 7, minor: 0 },
      { path: '/dev/null', kind: 'char', major: 1, minor: 3 },
    ]);
    assert.deepEqual(report.unknownOwners, [
      { kind: 'uid', id: 4242, entries: 1, examples: ['/opt/stranger'] },
      { kind: 'gid', id: 5, entries: 1, examples: ['/usr/bin/wall'] },
      { kind: 'gid', id: 4343, entries: 1, examples: ['/opt/stranger'] },
    ]);
    assert.equal(report.counts.other, 1);
  });

  it('is silent on a clean tree', async () => {
    const root = await scratch.dir('clean');
    await cleanTree(root);
    const report = buildReport(await scanTree(root), { host: await readHostFacts() });
    assert.deepEqual(report.findings, []);
  });

  it("MKIMG109: /tmp's leftovers are do_install's to remove (under $img_dir), /var/tmp's do_postinstall's", async () => {
    const root = await scratch.dir('clean');
    await cleanTree(root);
    await fs.writeFile(path.join(root, 'tmp', "a b's"), 'x');
    await fs.mkdir(path.join(root, 'tmp', 'build-dir'));
    await fs.mkdir(path.join(root, 'var/tmp'), { recursive: true });
    await fs.writeFile(path.join(root, 'var/tmp/cache'), 'x');
    const report = buildReport(await scanTree(root), { host: await readHostFacts() });
    assert.deepEqual(
      report.findings.map((f) => [f.code, f.hook, f.fix]),
      [
        ['MKIMG109', 'do_install', `rm -rf "$img_dir"'/tmp/a b'\\''s' "$img_dir/tmp/build-dir"`],
        ['MKIMG109', 'do_postinstall', 'rm -rf /var/tmp/cache'],
      ],
    );
  });

  it('silences disabled codes and counts what they hid', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const report = buildReport(await scanTree(root), { host: await readHostFacts(), disabled: new Set(['MKIMG105', 'MKIMG106']) });
    assert.ok(!report.findings.some((f) => f.code === 'MKIMG105' || f.code === 'MKIMG106'));
    assert.deepEqual(report.suppressed, [
      { code: 'MKIMG105', findings: 1 },
      { code: 'MKIMG106', findings: 1 },
    ]);
  });

  it('gives the numbers find(1) gives: sizes by top-level dir, hard links once, counts, largest files', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const report = buildReport(await scanTree(root), { host: await readHostFacts() });
    assertMatchesFind(report, root);
    assert.deepEqual(
      report.byUsr.map((s) => s.path),
      ['/usr/lib', '/usr/bin', '/usr/share'],
    );
    assert.equal(report.byUsr[0]!.files, 2);
  });

  it('reads the same report from .tar, .tar.gz, .tar.xz and .tar.zst as from the directory', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const host = await readHostFacts();
    const fromTree = buildReport(await scanTree(root), { host });
    const out = await scratch.dir('archives');
    for (const suffix of ARCHIVE_SUFFIXES) {
      const archive = path.join(out, `dirty${suffix}`);
      await archiveImage({ sourceDir: root, outputPath: archive, signal: new AbortController().signal });
      const fromArchive = buildReport(await scanArchive(archive), { host });
      assert.deepEqual(fromArchive, fromTree, suffix);
    }
  });

  it('makeimg inspect prints the same report for a directory image and, unprivileged, for an archive', async () => {
    const root = await scratch.dir('dirty');
    await dirtyTree(root);
    const fromTree = buildReport(await scanTree(root), { host: await readHostFacts() });
    const dirRun = await runMakeimg(['inspect', '--json', root]);
    assert.equal(dirRun.code, 0, dirRun.stderr);
    const dirEvent = dirRun.events.find((e) => e.type === 'report');
    assert.deepEqual(dirEvent?.type === 'report' && dirEvent.report, fromTree);

    // A world-readable place, as a user's own images are.
    const shared = await fs.mkdtemp('/tmp/makeimg-inspect-');
    try {
      await fs.chmod(shared, 0o755);
      const archive = path.join(shared, 'dirty.tar.zst');
      await archiveImage({ sourceDir: root, outputPath: archive, signal: new AbortController().signal });
      const r = await runMakeimg(['inspect', '--json', archive], { asUid: 65534 });
      assert.equal(r.code, 0, r.stderr);
      const event = r.events.find((e) => e.type === 'report');
      assert.deepEqual(event?.type === 'report' && event.report, fromTree);
      const text = await runMakeimg(['inspect', archive], { asUid: 65534 });
      assert.match(text.stdout, /^Size by top-level directory$/m);
      assert.match(text.stdout, /\/usr\s+█+/);
      assert.match(text.stdout, /MKIMG113 setuid, not owned by root: \/usr\/bin\/tool/);
      assert.match(text.stdout, /fix \(in do_postinstall\): chmod u-s \/usr\/bin\/tool/);
      const strict = await runMakeimg(['inspect', '--strict', archive], { asUid: 65534 });
      assert.equal(strict.code, 1);
    } finally {
      await fs.rm(shared, { recursive: true, force: true });
    }
  });

  it('makeimg inspect explains a missing or damaged image (exit 2)', async () => {
    const dir = await scratch.dir('bad');
    const missing = await runMakeimg(['inspect', path.join(dir, 'nope.tar.zst')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory/);
    const damaged = path.join(dir, 'damaged.tar');
    await fs.writeFile(damaged, Buffer.alloc(2048, 0x41));
    const r = await runMakeimg(['inspect', damaged]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a tar archive, or damaged/);
  });
});
