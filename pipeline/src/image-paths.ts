/**
 * $img_path = img_dir_base/img_name and $img_dir = $img_path without its
 * `.tar*` suffix. Without --force neither may exist (makeimg never
 * overwrites); with --force a finished image is replaced once the new one is
 * complete, and a kept working directory is removed first.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { classifyImageName, IMG_DIR_BASE_KEY, imageDirFor } from '../../shared/contract';
import { temporaryPathFor, temporaryPrefix } from './archive/output';
import { InvalidInputError, OutputExistsRefusal } from './errors';
import { deadOwnerWords, isThisProcess, ownedEntries, ownerTag, type OwningProcess } from './owner';
import { pathExists } from './paths';
import { NotHeldError, type HeldDir, type MountHolder } from './confine/held-dirs';

export interface ImagePaths {
  imgDirBase: string;
  imgPath: string;
  /** Where the rootfs is built ($img_dir). */
  imgDir: string;
  /** False when img_name has no .tar* suffix: the directory is the image. */
  archived: boolean;
}

/** Where a forced build of a directory image builds while the old image stays in place. */
export function replacementDirFor(imgPath: string): string {
  return `${imgPath}.makeimg-new`;
}

export function imagePaths(imgDirBase: string, imgName: string): ImagePaths {
  const imgPath = path.join(imgDirBase, imgName);
  return { imgDirBase, imgPath, imgDir: imageDirFor(imgPath), archived: classifyImageName(imgName).kind === 'archive' };
}

/** The hint every refusal of an existing output ends with. */
export const REBUILD_HINT = 'rebuild with --force (or in VS Code: Rebuild Image)';

/**
 * While a build runs, `.<name>.build-<pid>-<start>` beside the image says
 * which makeimg owns $img_dir (owner.ts): a second build of the same image is
 * told so, and a build killed with SIGKILL is recognised later.
 */
function leasePrefix(p: ImagePaths): string {
  return `.${path.basename(p.imgPath)}.build-`;
}

export interface ImageLease {
  /** Ends the lease (the build is over, whatever its outcome). */
  release(): Promise<void>;
}

/** Takes the lease of this image for this process, in `dir`: the image's directory as held (held-dirs.ts). */
export async function takeLease(p: ImagePaths, dir: string): Promise<ImageLease> {
  const lease = path.join(dir, `${leasePrefix(p)}${ownerTag()}`);
  await fs.writeFile(lease, '', { flag: 'wx', mode: 0o644 });
  return { release: () => fs.rm(lease, { force: true }) };
}

/**
 * Refuses an image another makeimg is building right now, and removes what
 * dead builds of this image left beside it (leases, partial archives),
 * saying so through `onNote`. Returns the killed build that left a lease.
 */
export async function sweepLeftovers(p: ImagePaths, onNote?: (text: string) => unknown): Promise<{ killed?: OwningProcess }> {
  const dir = path.dirname(p.imgPath);
  const name = path.basename(p.imgPath);
  const leases = await ownedEntries(dir, leasePrefix(p));
  const partials = await ownedEntries(dir, temporaryPrefix(name));
  const running = [...leases.live, ...partials.live].find((e) => !isThisProcess(e.owner));
  if (running) {
    throw new InvalidInputError(
      `${name} is being built right now by makeimg (pid ${running.owner.pid}) in ${dir}: wait for it or cancel it`,
    );
  }
  for (const { path: file, owner } of partials.dead) {
    await fs.rm(file, { force: true });
    await onNote?.(`removed ${file}, a partial archive ${deadOwnerWords(owner)}`);
  }
  for (const { path: file } of leases.dead) await fs.rm(file, { force: true });
  return { killed: leases.dead[0]?.owner };
}

/** `killed`: the build that left $img_dir behind, when it was killed (sweepLeftovers). */
export async function refuseExisting(p: ImagePaths, killed?: OwningProcess): Promise<void> {
  if (await pathExists(p.imgPath)) {
    throw new OutputExistsRefusal(`the image ${p.imgPath} already exists; ${REBUILD_HINT}`, { path: p.imgPath, kind: 'image' });
  }
  for (const dir of [p.imgDir, replacementDirFor(p.imgPath)]) {
    if (dir !== p.imgPath && (await pathExists(dir))) {
      const left = killed ? ` (${deadOwnerWords(killed)})` : '';
      throw new OutputExistsRefusal(
        `the working directory ${dir} of an earlier build was kept${left}; remove it with makeimg clean --keep-image, or ${REBUILD_HINT}`,
        { path: dir, kind: 'working-directory' },
      );
    }
  }
}

/**
 * For `--force`: what is removed before building (kept working
 * directories), and the paths of this build. A directory image that exists
 * is rebuilt beside it and replaces it at the end. Something at $img_path
 * that is not the kind of image img_name makes is never replaced.
 */
export async function forcedPaths(p: ImagePaths): Promise<{ paths: ImagePaths; remove: string[] }> {
  const st = await fs.lstat(p.imgPath).catch(() => undefined);
  if (st && (p.archived ? !st.isFile() : !st.isDirectory())) {
    throw new InvalidInputError(
      `${p.imgPath} is not ${p.archived ? 'an image file' : 'a directory image'}; --force replaces only images: move it away yourself`,
    );
  }
  const replacement = replacementDirFor(p.imgPath);
  const remove: string[] = [];
  for (const dir of [p.archived ? p.imgDir : undefined, replacement]) {
    if (dir && (await pathExists(dir))) remove.push(dir);
  }
  const paths = !p.archived && st ? { ...p, imgDir: replacement } : p;
  return { paths, remove };
}

/** What `makeimg clean` removes: this image and its kept working directories, only those that exist. */
export async function cleanTargets(p: ImagePaths, keepImage: boolean): Promise<string[]> {
  const candidates = [keepImage ? undefined : p.imgPath, p.imgDir === p.imgPath ? undefined : p.imgDir, replacementDirFor(p.imgPath)];
  const found: string[] = [];
  for (const c of candidates) if (c && (await pathExists(c))) found.push(c);
  return found;
}

/** NAME_MAX and PATH_MAX of Linux filesystems, in bytes. */
const NAME_MAX = 255;
const PATH_MAX = 4096;

/** Names the build will create must fit the filesystem: checked at resolve, not found out while archiving. */
export function checkNameLengths(p: ImagePaths): void {
  const names: [string, string][] = [
    [p.imgPath, 'the image'],
    [p.imgDir, 'the working directory'],
    [replacementDirFor(p.imgPath), 'the working directory of a rebuild'],
  ];
  if (p.archived) names.push([temporaryPathFor(p.imgPath), 'the temporary archive']);
  for (const [full, what] of names) {
    const bytes = Buffer.byteLength(path.basename(full));
    if (bytes > NAME_MAX) {
      throw new InvalidInputError(
        `img_name is too long: the name of ${what} would be ${bytes} bytes, and file names have at most ${NAME_MAX}; shorten img_name`,
      );
    }
    if (Buffer.byteLength(full) >= PATH_MAX) {
      throw new InvalidInputError(
        `the path of ${what} would be longer than ${PATH_MAX - 1} bytes; use a shorter ${IMG_DIR_BASE_KEY} or img_name`,
      );
    }
  }
}

/**
 * An img_name with directories (`sub/x.tar.gz`) must stay inside
 * img_dir_base: none of its directories may be a symbolic link or a file.
 */
export async function checkImageSubdirectories(p: ImagePaths): Promise<void> {
  for (let dir = path.dirname(p.imgPath); dir !== p.imgDirBase && dir.startsWith(p.imgDirBase + path.sep); dir = path.dirname(dir)) {
    const st = await fs.lstat(dir).catch(() => undefined);
    if (st?.isSymbolicLink())
      throw new InvalidInputError(
        `${dir} is a symbolic link; makeimg writes images only inside ${IMG_DIR_BASE_KEY} ${p.imgDirBase}, not through links`,
      );
    if (st && !st.isDirectory()) throw new InvalidInputError(`${dir} (a directory of img_name) is a file, not a directory`);
  }
}

/** img_dir_base must be a directory, or not exist yet below a directory (checked before anything is created). */
export async function checkImgDirBase(base: string): Promise<void> {
  for (let dir = base; ; dir = path.dirname(dir)) {
    const l = await fs.lstat(dir).catch(() => undefined);
    if (l) {
      const st = await fs.stat(dir).catch(() => undefined);
      const what = dir === base ? `${IMG_DIR_BASE_KEY} ${base}` : `${dir} (in ${IMG_DIR_BASE_KEY} ${base})`;
      if (!st) throw new InvalidInputError(`${what} is a symbolic link to ${await fs.readlink(dir)}, which does not exist`);
      if (!st.isDirectory()) throw new InvalidInputError(`${what} is a file, not a directory`);
      return;
    }
    if (dir === path.dirname(dir)) return;
  }
}

/**
 * The directory $img_dir is created in must belong to root or `ownerUid`
 * (the invoking user) and not be writable by anyone else unless sticky (as
 * /tmp): otherwise another user could rename $img_dir and put a link in its
 * place while root builds in it. `st`: the directory as opened (held-dirs.ts).
 * For a pkexec caller (`callerUid`, config.ts pkexecCaller) it must be theirs.
 */
export function checkImgDirParent(dir: string, st: Stats, ownerUid: number | undefined, callerUid?: number): void {
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  if (callerUid !== undefined && st.uid !== callerUid) {
    throw new InvalidInputError(
      `${dir} belongs to uid ${st.uid}, not to you: through pkexec, makeimg builds only in a directory of your own; use one as ${IMG_DIR_BASE_KEY}`,
    );
  }
  if (st.uid !== 0 && st.uid !== ownerUid) {
    throw new InvalidInputError(
      `${dir} belongs to uid ${st.uid}, neither root nor you: it could swap the image directory during the build; use a directory of your own as ${IMG_DIR_BASE_KEY}`,
    );
  }
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    throw new InvalidInputError(
      `${dir} is writable by other users (mode ${mode}) and not sticky: they could swap the image directory during the build; use a directory only you can write as ${IMG_DIR_BASE_KEY} (chmod go-w)`,
    );
  }
}

/** While preinstall and do_install run, $img_dir is root's alone: others cannot look into (or under) a half-built rootfs. */
const PRIVATE_MODE = 0o700;

/**
 * The image's root gets the usual 0755 once do_install is done (it is
 * cached, archived or published with that mode), unless the hook chose
 * another mode itself.
 */
export async function publicImageMode(img: HeldDir): Promise<void> {
  const st = await img.handle.stat();
  if ((st.mode & 0o7777) === PRIVATE_MODE) await img.handle.chmod(0o755);
}

/** The directories of a build as held (held-dirs.ts): the build reaches them only through these. */
export interface HeldImage {
  /** The directory of $img_path and $img_dir (where the archive is written and the image published). */
  out: HeldDir;
  /** $img_dir. */
  img: HeldDir;
}

/**
 * Holds the directory $img_dir is created in (checkImgDirParent on what was
 * opened, links in img_dir_base's path followed once, here).
 */
export async function holdImgDirParent(
  holder: MountHolder,
  p: ImagePaths,
  ownerUid: number | undefined,
  callerUid?: number,
): Promise<HeldDir> {
  const dir = path.dirname(p.imgDir);
  return holder.hold(await fs.realpath(dir), dir, 'out', {
    noFollow: false,
    check: (st) => checkImgDirParent(dir, st, ownerUid, callerUid),
  });
}

/**
 * $img_dir, private, created in the held directory `out` and held itself; it
 * must not exist: a concurrent build loses here.
 */
export async function createImageDir(holder: MountHolder, p: ImagePaths, out: HeldDir): Promise<HeldDir> {
  const name = path.basename(p.imgDir);
  try {
    await fs.mkdir(path.join(out.path, name), { mode: PRIVATE_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new InvalidInputError(
        `the working directory ${p.imgDir} already exists (another build of this image is running?); makeimg never overwrites`,
      );
    }
    throw e;
  }
  const replaced = () => new NotHeldError(`the working directory ${p.imgDir} was replaced right after makeimg created it; the build stops`);
  const held = await holder.hold(path.posix.join(out.inside, name), p.imgDir, 'img', {
    noFollow: true,
    check: (st) => {
      // What makeimg just made: root's, private (and empty, below). Anything else was put there by someone else.
      if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o7777) !== PRIVATE_MODE) throw replaced();
    },
  });
  // Not by the link count: btrfs counts 1 for every directory.
  if ((await fs.readdir(held.path)).length > 0) throw replaced();
  return held;
}
