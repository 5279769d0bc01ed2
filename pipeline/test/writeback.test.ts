/**
 * The growing archive is written back while it grows, so the fsync before it
 * gets its name has little left: a real file, written the way tar writes it,
 * with its fdatasync calls counted.
 */
import * as assert from 'node:assert/strict';
import { promises as fs, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeBackWhileGrowing } from '../src/archive/writeback';

const MiB = 1024 * 1024;

describe('archive: write-back while the archive grows', () => {
  let dir: string;
  let file: fs.FileHandle;
  /** The size the write-back had seen at each of its fdatasync calls. */
  let syncedAt: number[];
  let counted: Pick<fs.FileHandle, 'datasync'> & { stat: () => Promise<Stats> };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-writeback-'));
    file = await fs.open(path.join(dir, 'archive'), 'wx');
    syncedAt = [];
    let seen = 0;
    counted = {
      stat: async () => {
        const st = await file.stat();
        seen = st.size;
        return st;
      },
      datasync: async () => {
        syncedAt.push(seen);
        await file.datasync();
      },
    };
  });
  afterEach(async () => {
    await file.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('syncs about every step while a fast writer is still writing (not only at the end)', async () => {
    const writeback = writeBackWhileGrowing(counted, 4 * MiB);
    const chunk = Buffer.alloc(MiB, 1);
    // 32 MiB in 1 MiB writes, a short pause every 2 MiB (tar fills a 200 MB file in about 0.15 s).
    for (let i = 0; i < 32; i++) {
      await file.write(chunk);
      if (i % 2 === 1) await sleep(3);
    }
    const whileWriting = syncedAt.length;
    await writeback.stop();
    assert.ok(whileWriting >= 4, `${whileWriting} syncs while 32 MiB were written in 4 MiB steps: ${syncedAt}`);
    for (let i = 1; i < syncedAt.length; i++) assert.ok(syncedAt[i]! - syncedAt[i - 1]! >= 4 * MiB, `steps of 4 MiB: ${syncedAt}`);
  });

  it('does not sync a slowly growing file at every look (a slow compressor)', async () => {
    const writeback = writeBackWhileGrowing(counted, 4 * MiB);
    for (let i = 0; i < 20; i++) {
      await file.write(Buffer.alloc(4096, 1));
      await sleep(10);
    }
    await writeback.stop();
    assert.deepEqual(syncedAt, []);
  });
});
