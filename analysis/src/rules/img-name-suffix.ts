/** MKIMG002: img_name must end in a suffix makeimg can write (or none: a directory). */
import {
  ARCHIVE_SUFFIX_PREFIX,
  classifyImageName,
  EXAMPLE_IMAGE_NAME,
  IMAGE_SUFFIXES,
  IMG_NAME,
  type ImageNameKind,
} from '../../../shared/contract';
import { visibleAssignments, type Range, type WordFact } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';
import { replaceFix } from './fixes';

const SUPPORTED = IMAGE_SUFFIXES.map((s) => s.suffix).join(', ');

export const imgNameSuffix = {
  code: 'MKIMG002',
  severity: 'error',
  docs: {
    summary:
      '`img_name` is empty, or ends in a suffix makeimg cannot write (`.tgz`, `.zip`, `.tar.lz4`, `.tar.zstd`, `.img`...). The suffix itself is underlined. Supported: `.tar`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`; no `.tar*` suffix keeps a directory.',
    why: 'The suffix of img_name picks the archive format: makeimg writes .tar, .tar.gz, .tar.bz2, .tar.xz and .tar.zst, and keeps a directory when there is no .tar suffix. Any other suffix (.tgz, .zip, .tar.lz4, .img) stops the build at the resolve stage, and an empty name has nothing to write.',
    howToFix:
      'Use the suggested suffix (the quick fix replaces `.tgz` with `.tar.gz`, and is applied by Fix all), one of the supported ones, or no suffix to keep a directory.',
    example: {
      bad: 'img_name=debian.tgz',
      good: 'img_name=debian.tar.gz',
    },
  },
  message(problem: { empty: true } | { name: string; suffix: string; suggestion?: string }): string {
    if ('empty' in problem) {
      return `${IMG_NAME} is empty; give the image a file name such as ${EXAMPLE_IMAGE_NAME} (or a plain name for a directory).`;
    }
    const advice = problem.suggestion ? `Use "${problem.suggestion}".` : `Use one of ${SUPPORTED}, or no suffix to keep a directory.`;
    return (
      `${IMG_NAME} ${quote(problem.name)} ends in "${problem.suffix}", which makeimg cannot write: ` +
      `it archives to ${SUPPORTED}, or leaves a directory when there is no suffix. ${advice}`
    );
  },
  check({ facts }): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const a of visibleAssignments(facts, IMG_NAME)) {
      const word = a.value;
      if (!word || a.kind !== 'scalar' || a.operator !== '=') continue;
      if (word.value === '') {
        findings.push({
          range: a.range,
          message: imgNameSuffix.message({ empty: true }),
        });
        continue;
      }
      const kind = word.value !== undefined ? classifyImageName(word.value) : classifyTail(word.literalSuffix ?? '');
      if (kind?.kind !== 'unsupported') continue;
      const range = suffixRange(word, kind.suffix);
      findings.push({
        range,
        message: imgNameSuffix.message({ name: word.value ?? word.text, suffix: kind.suffix, suggestion: kind.suggestion }),
        data: kind.suggestion ? { kind: 'replace', range, newText: kind.suggestion } : undefined,
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'replace' ? { ...replaceFix(ctx, finding.data.range, finding.data.newText), safe: true } : undefined;
  },
} satisfies Rule;

/**
 * The classification of a name whose start is dynamic (`${name}.tgz`), only
 * when every possible start gives the same answer: `${x}.gz` is fine if x ends
 * in ".tar", so it is not judged.
 */
function classifyTail(tail: string): ImageNameKind | undefined {
  if (tail === '') return undefined;
  const results = ['x', 'x.', `x${ARCHIVE_SUFFIX_PREFIX}`, `x${ARCHIVE_SUFFIX_PREFIX}.`].map((prefix) => classifyImageName(prefix + tail));
  const first = JSON.stringify(results[0]);
  return results.every((r) => JSON.stringify(r) === first) ? results[0] : undefined;
}

/** The suffix itself when it sits literally at the end of the word (before a closing quote). */
function suffixRange(word: WordFact, suffix: string): Range {
  const { start, end } = word.range;
  const at = word.text.lastIndexOf(suffix);
  const closing = word.text.length - at - suffix.length;
  if (start.line !== end.line || at < 0 || closing > 1) return word.range;
  const from = end.character - closing - suffix.length;
  return { start: { line: end.line, character: from }, end: { line: end.line, character: from + suffix.length } };
}
