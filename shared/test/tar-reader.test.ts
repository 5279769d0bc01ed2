/**
 * The tar reader behind makeimg inspect and Open Image (tar-stream.ts,
 * tar-file.ts) on archives GNU tar writes: long names in pax and GNU form,
 * ustar's name prefix, hard and symbolic links, a plain .tar read by
 * seeking over content, any cut of the stream into chunks, and archives cut
 * short, which must fail clearly instead of looking whole.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readTarFile } from '../tar-file';
import { TarStreamReader, type TarEntry } from '../tar-stream';

const LONG_DIR = 'usr/share/' + 'a-directory-name-long-enough-to-need-more-than-ustar/'.repeat(3);
const LONG_NAME = `${LONG_DIR}and-a-file-name-that-alone-is-longer-than-the-one-hundred-bytes-of-a-tar-header-name-field.txt`;
const LONG_LINK = `../../${LONG_DIR}target`;

async function tree(root: string): Promise<void> {
  const write = async (p: string, content: string | Buffer) => {
    await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await fs.writeFile(path.join(root, p), content);
  };
  await write('etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  await write(LONG_NAME, 'long');
  await write('usr/lib/big', Buffer.alloc(70_000, 7));
  await write('usr/lib/block', Buffer.alloc(512, 1));
  await write('usr/lib/empty', '');
  await write('usr/share/dóc with space', 'unicode');
  await fs.symlink(LONG_LINK, path.join(root, 'usr/lib/long-link'));
  await fs.symlink('../lib/big', path.join(root, 'usr/lib/short-link'));
  await fs.link(path.join(root, 'etc/passwd'), path.join(root, `${LONG_DIR}passwd-hard-link-with-a-name-beyond-one-hundred-bytes`));
  await fs.chmod(path.join(root, 'usr/lib/big'), 0o4755);
}

function tarCreate(root: string, file: string, format: string): void {
  execFileSync('tar', ['--create', `--format=${format}`, '--numeric-owner', '--sort=name', `--file=${file}`, `--directory=${root}`, '.']);
}

/** Every member with the content of every regular file, read from a whole archive in memory cut into chunks of these sizes. */
function readInChunks(bytes: Buffer, sizes: number[]): { entries: TarEntry[]; contents: Map<string, Buffer> } {
  const entries: TarEntry[] = [];
  const contents = new Map<string, Buffer>();
  const reader = new TarStreamReader({
    onEntry: (e) => (entries.push(e), e.size),
    onContent: (e, c) => contents.set(e.path, c),
  });
  const scratch = Buffer.alloc(bytes.length);
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, bytes.length - at);
    // The same buffer for every chunk: the reader must copy what it keeps.
    bytes.copy(scratch, 0, at, at + n);
    reader.push(scratch.subarray(0, n));
    scratch.fill(0xee, 0, n);
    at += n;
  }
  reader.end();
  return { entries, contents };
}

async function readFile(file: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  await readTarFile(file, { onEntry: (e) => void entries.push(e) });
  return entries;
}

describe('tar reader (makeimg inspect, Open Image)', function () {
  this.timeout(30_000);
  let dir: string;
  let root: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'makeimg-tar-reader-'));
    root = path.join(dir, 'root');
    await fs.mkdir(root);
    await tree(root);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  for (const format of ['posix', 'gnu']) {
    it(`reads long names, links and metadata of a ${format} archive as on disk, seeking over content`, async () => {
      const file = path.join(dir, `${format}.tar`);
      tarCreate(root, file, format);
      const entries = await readFile(file);
      const byPath = new Map(entries.map((e) => [e.path, e]));
      const listed = execFileSync('tar', ['-tf', file])
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((m) => (m === './' ? '/' : '/' + m.replace(/^\.\//, '').replace(/\/$/, '')));
      assert.deepEqual(
        entries.map((e) => e.path),
        listed,
      );
      for (const e of entries) {
        const st = await fs.lstat(path.join(root, e.path));
        assert.equal(e.mode, st.mode & 0o7777, `mode of ${e.path}`);
        assert.equal(e.mtime, Math.floor(st.mtimeMs / 1000), `mtime of ${e.path}`);
        assert.equal(e.uid, st.uid);
        if (e.type === 'file') assert.equal(e.size, st.size, `size of ${e.path}`);
      }
      assert.equal(byPath.get(`/${LONG_NAME}`)?.size, 4);
      assert.equal(byPath.get('/usr/lib/big')?.mode, 0o4755);
      assert.deepEqual([byPath.get('/usr/lib/long-link')?.type, byPath.get('/usr/lib/long-link')?.linkTarget], ['symlink', LONG_LINK]);
      const hard = byPath.get(`/${LONG_DIR}passwd-hard-link-with-a-name-beyond-one-hundred-bytes`);
      assert.deepEqual([hard?.type, hard?.linkTarget, hard?.size], ['hardlink', '/etc/passwd', 0]);
      assert.equal(byPath.get('/usr/share/dóc with space')?.size, 7);
      // Content sits at the offset the reader gives.
      const bytes = await fs.readFile(file);
      const big = byPath.get('/usr/lib/big')!;
      assert.ok(bytes.subarray(big.offset, big.offset + big.size).equals(Buffer.alloc(70_000, 7)));
    });
  }

  it("joins ustar's name prefix and name", async () => {
    const ustarRoot = path.join(dir, 'ustar-root');
    const name = `${'d'.repeat(90)}/${'e'.repeat(50)}/file`; // 146 bytes: prefix + name
    await fs.mkdir(path.join(ustarRoot, path.dirname(name)), { recursive: true });
    await fs.writeFile(path.join(ustarRoot, name), 'x');
    const file = path.join(dir, 'ustar.tar');
    tarCreate(ustarRoot, file, 'ustar');
    assert.equal((await readFile(file)).find((e) => e.type === 'file')?.path, `/${name}`);
  });

  it('gives the same members and contents whatever the chunks the stream comes in', async () => {
    const file = path.join(dir, 'chunks.tar');
    tarCreate(root, file, 'posix');
    const bytes = await fs.readFile(file);
    const whole = readInChunks(bytes, [bytes.length]);
    assert.equal(whole.contents.get('/usr/lib/big')?.length, 70_000);
    for (const sizes of [[1], [511], [513], [7, 1024, 3], [4096], [100_000]]) {
      const cut = readInChunks(bytes, sizes);
      assert.deepEqual(cut.entries, whole.entries, `chunks of ${sizes.join(', ')}`);
      assert.deepEqual(cut.contents, whole.contents, `chunks of ${sizes.join(', ')}`);
    }
    for (const [p, content] of whole.contents) assert.ok(content.equals(await fs.readFile(path.join(root, p))), p);
  });

  describe('sparse files (tar --sparse)', () => {
    let sparseRoot: string;
    let expected: Map<string, Buffer>;

    before(async () => {
      sparseRoot = path.join(dir, 'sparse-root');
      await fs.mkdir(sparseRoot);
      // Two segments (fits in a GNU header's map), and thirty (needs GNU extension blocks); both end in a hole.
      const few = path.join(sparseRoot, 'few');
      const many = path.join(sparseRoot, 'many');
      await fs.writeFile(few, '');
      await fs.truncate(few, 3 * 1024 * 1024);
      const handle = await fs.open(few, 'r+');
      await handle.write(Buffer.from('in the middle'), 0, 13, 1024 * 1024);
      await handle.write(Buffer.from('near the end'), 0, 12, 2 * 1024 * 1024);
      await handle.close();
      await fs.writeFile(many, '');
      await fs.truncate(many, 31 * 64 * 1024);
      const manyHandle = await fs.open(many, 'r+');
      for (let i = 0; i < 30; i++) await manyHandle.write(Buffer.from(`segment ${i}`), 0, `segment ${i}`.length, i * 64 * 1024);
      await manyHandle.close();
      await fs.writeFile(path.join(sparseRoot, 'after'), 'a file after them');
      expected = new Map();
      for (const name of ['few', 'many', 'after']) expected.set(`/${name}`, await fs.readFile(path.join(sparseRoot, name)));
    });

    for (const [label, args] of [
      ['GNU format', ['--format=gnu']],
      ['pax 0.0', ['--format=posix', '--sparse-version=0.0']],
      ['pax 0.1', ['--format=posix', '--sparse-version=0.1']],
      ['pax 1.0', ['--format=posix', '--sparse-version=1.0']],
    ] as const) {
      it(`lists them under their names with their real sizes, and reads their content with the holes (${label})`, async () => {
        const file = path.join(dir, `sparse-${label.replace(/\W/g, '')}.tar`);
        execFileSync('tar', ['--create', ...args, '--sparse', '--sort=name', `--file=${file}`, `--directory=${sparseRoot}`, '.']);
        assert.ok((await fs.stat(file)).size < 1024 * 1024, 'tar stored them sparse');
        for (const compress of [false, true]) {
          let archive = file;
          if (compress) {
            archive = `${file}.zst`;
            execFileSync('zstd', ['-q', '-f', file, '-o', archive]);
          }
          const contents = new Map<string, Buffer>();
          const entries: TarEntry[] = [];
          await readTarFile(archive, {
            onEntry: (e) => (entries.push(e), e.size),
            onContent: (e, c) => contents.set(e.path, c),
          });
          assert.deepEqual(
            entries.map((e) => [e.path, e.type, e.size]),
            [
              ['/', 'directory', 0],
              ['/after', 'file', 17],
              ['/few', 'file', 3 * 1024 * 1024],
              ['/many', 'file', 31 * 64 * 1024],
            ],
          );
          for (const [p, content] of expected) assert.ok(contents.get(p)?.equals(content), `content of ${p}`);
          // Only part of it asked for: the first bytes of the real content.
          const head = new Map<string, Buffer>();
          await readTarFile(archive, { onEntry: (e) => (e.path === '/many' ? 20 : undefined), onContent: (e, c) => head.set(e.path, c) });
          assert.deepEqual(head.get('/many'), expected.get('/many')!.subarray(0, 20));
        }
      });
    }
  });

  describe('an archive cut short fails clearly', () => {
    let bytes: Buffer;
    let bigOffset: number;

    before(async () => {
      const file = path.join(dir, 'whole.tar');
      tarCreate(root, file, 'posix');
      bytes = await fs.readFile(file);
      bigOffset = (await readFile(file)).find((e) => e.path === '/usr/lib/big')!.offset;
    });

    it('inside content a plain .tar reader seeks over', async () => {
      const file = path.join(dir, 'cut-in-content.tar');
      await fs.writeFile(file, bytes.subarray(0, bigOffset + 10_000));
      await assert.rejects(readFile(file), /ends in the middle of a member.*truncated/);
    });

    it('inside a header, and through a decompressor', async () => {
      const file = path.join(dir, 'cut-in-header.tar');
      await fs.writeFile(file, bytes.subarray(0, bigOffset - 300));
      await assert.rejects(readFile(file), /truncated/);
      const zst = path.join(dir, 'cut-in-content.tar.zst');
      execFileSync('sh', [
        '-c',
        'head -c "$1" "$2" | zstd -q -c > "$3"',
        'sh',
        String(bigOffset + 10_000),
        path.join(dir, 'whole.tar'),
        zst,
      ]);
      await assert.rejects(readFile(zst), /truncated/);
    });

    it('a compressed file cut short names its decompressor', async () => {
      const zst = path.join(dir, 'whole.tar.zst');
      execFileSync('zstd', ['-q', '-f', path.join(dir, 'whole.tar'), '-o', zst]);
      const cut = path.join(dir, 'cut.tar.zst');
      await fs.writeFile(cut, (await fs.readFile(zst)).subarray(0, 200));
      await assert.rejects(readFile(cut), /zstd could not read|truncated/);
    });

    it('not a tar archive at all', async () => {
      const file = path.join(dir, 'garbage.tar');
      await fs.writeFile(file, Buffer.alloc(2048, 0x41));
      await assert.rejects(readFile(file), /not a tar archive, or damaged/);
    });
  });
});
