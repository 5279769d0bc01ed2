/**
 * $img_path = img_dir_base/img_name and $img_dir = $img_path without its
 * `.tar*` suffix; neither may exist (makeimg never overwrites).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { classifyImageName, imageDirFor } from '../../shared/contract';
import { InvalidInputError } from './errors';
import { pathExists } from './paths';

export interface ImagePaths {
  imgDirBase: string;
  imgPath: string;
  imgDir: string;
  /** False when img_name has no .tar* suffix: the directory is the image. */
  archived: boolean;
}

export function imagePaths(imgDirBase: string, imgName: string): ImagePaths {
  const imgPath = path.join(imgDirBase, imgName);
  return { imgDirBase, imgPath, imgDir: imageDirFor(imgPath), archived: classifyImageName(imgName).kind === 'archive' };
}

export async function refuseExisting(p: ImagePaths): Promise<void> {
  for (const [what, where] of [['image', p.imgPath], ['working directory', p.imgDir]] as const) {
    if (await pathExists(where)) {
      throw new InvalidInputError(`the ${what} ${where} already exists; makeimg never overwrites: move or remove it first`);
    }
  }
}

/** Create img_dir_base (if needed) and $img_dir (must not exist: a concurrent build loses here). */
export async function createImageDir(p: ImagePaths): Promise<void> {
  await fs.mkdir(p.imgDirBase, { recursive: true });
  try {
    await fs.mkdir(p.imgDir, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new InvalidInputError(`the working directory ${p.imgDir} already exists; makeimg never overwrites`);
    }
    throw e;
  }
}
