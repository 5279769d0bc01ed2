/**
 * Throw-away makeimg projects for the tests: copies of examples/tiny with
 * another img_name or extra image.sh code, or a project from scratch.
 * Everything lives under one temporary directory per test file.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './run-makeimg';

export const TINY = path.join(REPO, 'examples/tiny');

/** One temporary directory per test file; `dir()` hands out fresh subdirectories. */
export class Scratch {
  private root: string | undefined;
  private counter = 0;

  /**
   * The scratch directory of the enclosing describe() for tests that build
   * with systemd-nspawn: checks for root and creates the directory before
   * the first test, removes it after the last.
   */
  static forRootSuite(): Scratch {
    const scratch = new Scratch();
    // The suite must leave the shared temporary directory as it found it (a test once made /tmp 0755,
    // and later ones that create files there as another user failed).
    let tmpMode = 0;
    before(async () => {
      requireRoot();
      tmpMode = (await fs.stat(os.tmpdir())).mode;
      scratch.root = await fs.mkdtemp(path.join(os.tmpdir(), 'makeimg-test-'));
    });
    after(async () => {
      await scratch.remove();
      const now = (await fs.stat(os.tmpdir())).mode;
      if (now !== tmpMode)
        throw new Error(`this suite changed ${os.tmpdir()}'s mode from ${(tmpMode & 0o7777).toString(8)} to ${(now & 0o7777).toString(8)}`);
    });
    return scratch;
  }

  async dir(name = 'd'): Promise<string> {
    if (!this.root) throw new Error('the scratch directory exists only while its suite runs');
    const d = path.join(this.root, `${name}-${++this.counter}`);
    await fs.mkdir(d, { recursive: true });
    return d;
  }

  /**
   * A new directory that other users can reach: it and the scratch
   * directories down to it become 0755 (the scratch root is mkdtemp's 0700).
   * Nothing above the scratch root is touched: /tmp keeps its 1777.
   */
  async reachableDir(name = 'd'): Promise<string> {
    const d = await this.dir(name);
    const root = this.root!;
    for (let at = d; at.startsWith(`${root}/`) || at === root; at = path.dirname(at)) await fs.chmod(at, 0o755);
    return d;
  }

  async remove(): Promise<void> {
    if (this.root) await fs.rm(this.root, { recursive: true, force: true });
  }
}

/** A project with the given image.sh (and extra files, path -> content). */
export async function project(scratch: Scratch, imageSh: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await scratch.dir('project');
  await fs.writeFile(path.join(dir, 'image.sh'), imageSh);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}

/** A copy of examples/tiny with img_name replaced and `append` added at the end of image.sh. */
export async function tinyProject(scratch: Scratch, imgName: string, append = ''): Promise<string> {
  const dir = await scratch.dir('tiny');
  await fs.cp(TINY, dir, { recursive: true });
  const file = path.join(dir, 'image.sh');
  const text = await fs.readFile(file, 'utf8');
  if (!/^img_name=/m.test(text)) throw new Error('examples/tiny/image.sh has no img_name line');
  const replaced = text.replace(/^img_name=.*$/m, `img_name=${imgName}`);
  await fs.writeFile(file, replaced + (append ? `\n${append}\n` : ''));
  return dir;
}

/** Extract an archive of any supported format with everything an image needs preserved. */
export function extract(archive: string, into: string): void {
  execFileSync('tar', ['-xf', archive, '-C', into, '--numeric-owner', '--same-permissions', '--xattrs', '--xattrs-include=*', '--acls']);
}

export function mountCount(): number {
  return execFileSync('cat', ['/proc/self/mountinfo']).toString().split('\n').filter(Boolean).length;
}

export function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-a', '-f', pattern]).toString().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function requireRoot(): void {
  if (process.geteuid?.() !== 0) {
    throw new Error('these tests build images with systemd-nspawn and must run as root');
  }
}
