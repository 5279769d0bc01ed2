/**
 * Checks an evaluated image.sh against the contract: img_name set and a name
 * makeimg can produce, do_install defined, file arrays being arrays of equal
 * length in pairs. Where a rule of analysis/ checks the same thing, the
 * problem carries the rule's code and words, so `makeimg build`, `makeimg
 * check` and the editor give one verdict per problem.
 */
import * as path from 'node:path';
import { classifyImageName, DO_INSTALL, EXAMPLE_IMAGE_NAME, FILE_ARRAY_PAIRS, IMG_NAME, imageDirFor } from '../../shared/contract';
import { doInstallMissing } from '../../analysis/src/rules/do-install-missing';
import { fileArrayScalar } from '../../analysis/src/rules/file-array-scalar';
import { filePairLength } from '../../analysis/src/rules/file-pair-length';
import { imgNameMissing } from '../../analysis/src/rules/img-name-missing';
import { imgNameSuffix } from '../../analysis/src/rules/img-name-suffix';
import type { ImageDescription } from './stages/evaluate';
import { compressorFor } from './archive/compressors';
import { CopyRefusedError, resolveDestination, resolveSource } from './stages/copy-files';
import { InvalidInputError } from './errors';
import {
  checkImageSubdirectories,
  checkImgDirBase,
  checkNameLengths,
  imagePaths,
  refuseExisting,
  sweepLeftovers,
  type ImagePaths,
} from './image-paths';
import { encodingFindings } from '../../analysis/src/analysis';

export interface Problem {
  message: string;
  line?: number;
  /** The rule that reports the same problem in the editor and in `makeimg lint` (its code and words). */
  code?: string;
}

/** A problem in a rule's words, with its code (as `makeimg lint` and the editor say it). */
function ruleProblem(code: string, message: string, line?: number): Problem {
  return { message: `${message} (${code})`, code, line };
}

export function validateDescription(d: ImageDescription): Problem[] {
  const problems: Problem[] = [];
  const name = d.imgName;
  if (name === undefined) {
    problems.push(ruleProblem(imgNameMissing.code, imgNameMissing.message(false)));
  } else if (name === '') {
    problems.push(ruleProblem(imgNameSuffix.code, imgNameSuffix.message({ empty: true })));
  } else if (name.startsWith('/') || name.split('/').some((c) => c === '' || c === '.' || c === '..')) {
    // As in the original, `sub/x.tar.gz` is img_dir_base/sub/x.tar.gz; nothing may lead outside img_dir_base.
    problems.push({
      message: `${IMG_NAME} must be a file name or a relative path inside img_dir_base (sub/x.tar.gz), without "", "." or ".." components and not absolute: ${JSON.stringify(name)}`,
    });
  } else if (name.includes('\uFFFD')) {
    // bash handed over bytes that are not UTF-8 (decoded as U+FFFD): the image would get another name than image.sh says.
    problems.push({ message: `${IMG_NAME} is not valid UTF-8 text: ${JSON.stringify(name)}; use a UTF-8 (or ASCII) name` });
  } else if (['', '.', '..'].includes(path.basename(imageDirFor(name)))) {
    problems.push({
      message: `${IMG_NAME} ${JSON.stringify(name)} leaves no name for the working directory once its suffix is removed (${JSON.stringify(imageDirFor(name))}); put a name before the suffix, e.g. ${EXAMPLE_IMAGE_NAME}`,
    });
  } else {
    const kind = classifyImageName(name);
    if (kind.kind === 'unsupported') {
      problems.push(ruleProblem(imgNameSuffix.code, imgNameSuffix.message({ name, suffix: kind.suffix, suggestion: kind.suggestion })));
    }
  }
  if (!d.hooks[DO_INSTALL]) problems.push(ruleProblem(doInstallMissing.code, doInstallMissing.message()));
  for (const pair of FILE_ARRAY_PAIRS) {
    const src = d.arrays[pair.src];
    const dst = d.arrays[pair.dst];
    for (const [n, a] of [
      [pair.src, src],
      [pair.dst, dst],
    ] as const) {
      if (a?.kind === 'other') {
        const value = a.items.length > 0 ? a.items.join(' ') : undefined;
        problems.push(ruleProblem(fileArrayScalar.code, fileArrayScalar.message(n, value, value ?? 'file ...')));
      }
    }
    const srcItems = src?.kind === 'array' ? src.items : [];
    const dstItems = dst?.kind === 'array' ? dst.items : [];
    if (srcItems.length !== dstItems.length) {
      const longer = srcItems.length > dstItems.length ? srcItems : dstItems;
      const message = filePairLength.message({
        pair,
        srcCount: srcItems.length,
        dstCount: dstItems.length,
        firstUnpaired: longer[Math.min(srcItems.length, dstItems.length)]!,
      });
      problems.push(ruleProblem(filePairLength.code, message));
    }
  }
  return problems;
}

/**
 * What bash trips over in image.sh's raw text before running any of it
 * (Windows line endings, a byte order mark, NUL bytes): refused at resolve
 * with the words of the editor's diagnostics (MKIMG014-016).
 */
export function validateImageText(text: string): Problem[] {
  return encodingFindings(text).map((f) => ({ message: `${f.message} (${f.code})`, line: f.range.start.line + 1 }));
}

/** The src/dst pairs of a stage, as evaluated. */
export function filePairs(d: ImageDescription, stage: 'preinstall' | 'postinstall'): { src: string; dst: string }[] {
  const pair = FILE_ARRAY_PAIRS.find((p) => p.stage === stage)!;
  const src = d.arrays[pair.src]?.items ?? [];
  const dst = d.arrays[pair.dst]?.items ?? [];
  return src.map((s, i) => ({ src: s, dst: dst[i]! }));
}

/**
 * Validate an evaluated image.sh, compute its paths, and check everything
 * that can be checked before anything is created.
 */
export async function checkDescription(
  description: ImageDescription,
  srcDir: string,
  imgDirBase: string,
  options: {
    force?: boolean;
    /** What was cleaned up on the way (leftovers of builds that were killed). */
    onNote?: (text: string) => unknown;
  } = {},
): Promise<ImagePaths> {
  const problems = validateDescription(description);
  if (problems.length > 0) {
    throw new InvalidInputError(problems.map((p) => p.message).join('; '), description.imageFile, problems[0]!.line);
  }
  const paths = imagePaths(imgDirBase, description.imgName!);
  checkNameLengths(paths);
  await checkImgDirBase(imgDirBase);
  await checkImageSubdirectories(paths);
  const { killed } = await sweepLeftovers(paths, options.onNote);
  if (!options.force) await refuseExisting(paths, killed);
  if (paths.archived) {
    try {
      compressorFor(paths.imgPath);
    } catch (e) {
      throw new InvalidInputError((e as Error).message);
    }
  }
  // Sources and `..` in destinations can be checked now; links inside the image only at copy time.
  for (const stage of ['preinstall', 'postinstall'] as const) {
    for (const pair of filePairs(description, stage)) {
      try {
        await resolveSource(srcDir, pair.src);
        await resolveDestination(paths.imgDir, pair.dst);
      } catch (e) {
        if (e instanceof CopyRefusedError) throw new InvalidInputError(`${stage} copy refused: ${e.message}`, description.imageFile);
        throw e;
      }
    }
  }
  return paths;
}
