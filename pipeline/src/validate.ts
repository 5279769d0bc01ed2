/**
 * Checks an evaluated image.sh against the contract: img_name set and a name
 * makeimg can produce, do_install defined, file arrays being arrays of equal
 * length in pairs.
 */
import { classifyImageName, DO_INSTALL, EXAMPLE_IMAGE_NAME, FILE_ARRAY_PAIRS, IMG_NAME } from '../../shared/contract';
import type { ImageDescription } from './stages/evaluate';
import { encodingFindings } from '../../analysis/src/analysis';

export interface Problem {
  message: string;
  line?: number;
}

export function validateDescription(d: ImageDescription): Problem[] {
  const problems: Problem[] = [];
  const name = d.imgName;
  if (name === undefined || name === '') {
    problems.push({ message: `${IMG_NAME} is not set: add e.g. ${IMG_NAME}=${EXAMPLE_IMAGE_NAME} to image.sh` });
  } else if (name.includes('/') || name === '.' || name === '..') {
    problems.push({ message: `${IMG_NAME} must be a file name, not a path: ${JSON.stringify(name)}` });
  } else {
    const kind = classifyImageName(name);
    if (kind.kind === 'unsupported') {
      problems.push({
        message: `${IMG_NAME} ${JSON.stringify(name)} ends in ${kind.suffix}, which makeimg cannot produce` +
          (kind.suggestion ? ` (did you mean ${kind.suggestion}?)` : ''),
      });
    }
  }
  if (!d.hooks[DO_INSTALL]) problems.push({ message: `${DO_INSTALL}() is not defined in image.sh` });
  for (const pair of FILE_ARRAY_PAIRS) {
    const src = d.arrays[pair.src];
    const dst = d.arrays[pair.dst];
    for (const [n, a] of [[pair.src, src], [pair.dst, dst]] as const) {
      if (a?.kind === 'other') problems.push({ message: `${n} must be an array: ${n}=(file ...)` });
    }
    const ns = src?.kind === 'array' ? src.items.length : 0;
    const nd = dst?.kind === 'array' ? dst.items.length : 0;
    if (ns !== nd) {
      problems.push({ message: `${pair.src} has ${ns} element(s) but ${pair.dst} has ${nd}: they are copied in pairs` });
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
