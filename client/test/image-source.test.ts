/**
 * ImageSource (makeimg: Open Image) over real archives (GNU tar, pax, as the
 * archive stage writes them; gzip, xz, zstd) and over the directory itself:
 * every member of `tar -t` listed, every file's content as on disk (hard
 * links included), links resolved inside the image.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ImageSource } from '../src/image/image-source';
import { hookInsertion } from '../src/image/hook-insertion';

const LONG = 'a-directory-name-long-enough-for-a-pax-header/'.repeat(4);

async function tree(root: string): Promise<void> {
  const write = async (p: string, content: string | Buffer) => {
    await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await fs.writeFile(path.join(root, p), content);
  };
  await write('usr/lib/os-release', 'ID=test\n');
  await write('usr/bin/tool', Buffer.alloc(200_000, 9));
  await write('etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  await write(`usr/share/${LONG}file.txt`, 'deep');
  await write('usr/share/dóc with space', 'unicode');
  await fs.symlink('../usr/lib/os-release', path.join(root, 'etc/os-release'));
  await fs.symlink('usr/bin', path.join(root, 'bin'));
  await fs.symlink('/usr/lib', path.join(root, 'lib'));
  await fs.link(path.join(root, 'etc/passwd'), path.join(root, 'etc/passwd-'));
}

describe('image file system source (makeimg: Open Image)', function () {
  this.timeout(60_000);
  let dir: string;
  let root: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'makeimg-image-source-'));
    root = path.join(dir, 'root');
    await fs.mkdir(root);
    await tree(root);
    // As the archive stage writes them (pax format), compressed by the suffix's program.
    execFileSync('tar', [
      '--create',
      '--format=posix',
      '--numeric-owner',
      `--file=${path.join(dir, 'img.tar')}`,
      `--directory=${root}`,
      '.',
    ]);
    for (const [suffix, program] of [
      ['.tar.gz', 'gzip'],
      ['.tar.xz', 'xz'],
      ['.tar.zst', 'zstd'],
    ] as const) {
      execFileSync('sh', ['-c', `${program} -c < "$1" > "$2"`, 'sh', path.join(dir, 'img.tar'), path.join(dir, `img${suffix}`)]);
    }
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  for (const name of ['img.tar', 'img.tar.gz', 'img.tar.xz', 'img.tar.zst', 'root']) {
    it(`lists and reads ${name} as tar does`, async () => {
      const image = path.join(dir, name);
      const source = await ImageSource.open(image);
      const archive = path.join(dir, 'img.tar');
      const members = execFileSync('tar', ['-tf', archive])
        .toString()
        .split('\n')
        .filter((m) => m && m !== './');
      for (const m of members) {
        const p = '/' + m.replace(/^\.\//, '').replace(/\/$/, '');
        const parent = path.posix.dirname(p);
        assert.ok(source.list(parent).includes(path.posix.basename(p)), `${p} listed in ${parent}`);
        const entry = source.lookup(p)!;
        if (entry.type === 'file' || entry.type === 'hardlink') {
          const expected = await fs.readFile(path.join(root, p));
          assert.ok(Buffer.from(await source.read(p)).equals(expected), `content of ${p}`);
        }
      }
      // Links resolve inside the image, never on the host.
      assert.equal(Buffer.from(await source.read('/etc/os-release')).toString(), 'ID=test\n');
      assert.equal(source.resolve('/bin/tool')?.size, 200_000);
      assert.equal(source.resolve('/lib/os-release')?.path, '/usr/lib/os-release');
      assert.deepEqual(source.list('/bin'), ['tool']);
      await assert.rejects(source.read('/usr'), /not a regular file/);
    });
  }

  it('reads a sparse file of a plain .tar with its holes (its stored bytes are not its content)', async () => {
    const sparseRoot = path.join(dir, 'sparse-root');
    await fs.mkdir(sparseRoot);
    const file = path.join(sparseRoot, 'holes');
    await fs.writeFile(file, '');
    await fs.truncate(file, 2 * 1024 * 1024);
    const handle = await fs.open(file, 'r+');
    await handle.write(Buffer.from('data after a hole'), 0, 17, 1024 * 1024);
    await handle.close();
    const image = path.join(dir, 'sparse.tar');
    execFileSync('tar', ['--create', '--format=posix', '--sparse', `--file=${image}`, `--directory=${sparseRoot}`, '.']);
    const source = await ImageSource.open(image);
    assert.equal(source.lookup('/holes')?.size, 2 * 1024 * 1024);
    assert.ok(Buffer.from(await source.read('/holes')).equals(await fs.readFile(file)));
  });

  it('offers every file and every link to a file for "Go to File in Image", in path order', async () => {
    const source = await ImageSource.open(path.join(dir, 'img.tar.zst'));
    const files = source.openableFiles();
    const paths = files.map((f) => f.path);
    // What find says the tree holds (files, and links that lead to a file inside the image).
    const regular = execFileSync('find', ['.', '-type', 'f'], { cwd: root })
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((p) => p.slice(1));
    for (const p of [...regular, '/etc/os-release']) assert.ok(paths.includes(p), `${p} offered`);
    // /bin and /lib are links to directories; /usr a directory: not files to open.
    for (const p of ['/bin', '/lib', '/usr', '/']) assert.ok(!paths.includes(p), `${p} not offered`);
    assert.equal(paths.length, regular.length + 1);
    assert.deepEqual(paths, [...paths].sort());
    assert.deepEqual(
      files.find((f) => f.path === '/etc/os-release'),
      { path: '/etc/os-release', bytes: 8, linkTarget: '../usr/lib/os-release' },
    );
    assert.equal(files.find((f) => f.path === '/etc/passwd-')?.bytes, 'root:x:0:0::/root:/bin/sh\n'.length);
  });
});

describe('appending a fix to a hook of image.sh', () => {
  const text = 'img_name=x.tar\n\ndo_install()\n{\n  mkdir "$img_dir/etc"\n}\n\ndo_postinstall()\n{\n\tuseradd a\n}\n';

  it('inserts before the closing brace, indented like the body', () => {
    const i = hookInsertion(text, 'do_postinstall', 'rm -rf /tmp/x\n: > /etc/machine-id', { start: 7, end: 10 })!;
    const out = text.slice(0, i.offset) + i.text + text.slice(i.offset);
    assert.match(out, /do_postinstall\(\)\n\{\n\tuseradd a\n\trm -rf \/tmp\/x\n\t: > \/etc\/machine-id\n\}\n$/);
    const j = hookInsertion(text, 'do_install', 'rm -f "$img_dir/etc/resolv.conf"', { start: 2, end: 5 })!;
    assert.match(
      text.slice(0, j.offset) + j.text + text.slice(j.offset),
      /  mkdir "\$img_dir\/etc"\n  rm -f "\$img_dir\/etc\/resolv.conf"\n\}/,
    );
  });

  it("without the language server's symbols, finds the hook in the text: never a second definition (it would replace the first)", () => {
    // What VS Code passes when the server answered no symbols for this version (it was still analysing it).
    const apply = (source: string, hook = 'do_postinstall') => {
      const i = hookInsertion(source, hook, ': > /etc/machine-id');
      return i && source.slice(0, i.offset) + i.text + source.slice(i.offset);
    };
    assert.match(apply(text)!, /do_postinstall\(\)\n\{\n\tuseradd a\n\t: > \/etc\/machine-id\n\}\n$/);
    assert.equal(apply(text)!.match(/do_postinstall\(\)/g)?.length, 1);
    const keyword = 'function do_postinstall {\n    helper() {\n        :\n    }\n    helper\n}\nimg_name=x.tar\n';
    assert.equal(
      apply(keyword),
      'function do_postinstall {\n    helper() {\n        :\n    }\n    helper\n    : > /etc/machine-id\n}\nimg_name=x.tar\n',
      "the closing brace at the definition's indentation, not a nested one",
    );
    const oneLine = apply('do_postinstall() { useradd a; }\n')!;
    assert.equal(execFileSync('bash', ['-n'], { input: oneLine }).toString(), '');
    assert.match(oneLine, /useradd a; \n +: > \/etc\/machine-id\n\}/);
    // Where it ends cannot be told (a redirected body): no insertion rather than a wrong one.
    assert.equal(apply('do_postinstall()\n{\n    a\n} > /var/log/setup.log\n'), undefined);
    // A longer name is another function: the hook is added.
    assert.match(apply('do_postinstall_extra() {\n    :\n}\n')!, /\n\ndo_postinstall\(\)\n\{\n    : > \/etc\/machine-id\n\}\n$/);
  });

  it('adds the hook at the end when image.sh has none, and handles a one-line function', () => {
    const noHook = 'img_name=x.tar\ndo_install() { :; }';
    const i = hookInsertion(noHook, 'do_postinstall', 'apt-get clean');
    assert.equal(
      noHook.slice(0, i!.offset) + i!.text,
      'img_name=x.tar\ndo_install() { :; }\n\ndo_postinstall()\n{\n    apt-get clean\n}\n',
    );
    const oneLine = 'do_postinstall() { useradd a; }\n';
    const j = hookInsertion(oneLine, 'do_postinstall', 'apt-get clean', { start: 0, end: 0 })!;
    const out = oneLine.slice(0, j.offset) + j.text + oneLine.slice(j.offset);
    assert.equal(execFileSync('bash', ['-n'], { input: out }).toString(), '');
    assert.match(out, /apt-get clean\n\}/);
  });
});
