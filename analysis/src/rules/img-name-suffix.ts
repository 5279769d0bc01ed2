/** MKIMG002: img_name must end in a suffix makeimg can write (or none: a directory). */
import { ARCHIVE_SUFFIX_PREFIX, classifyImageName, EXAMPLE_IMAGE_NAME, IMAGE_SUFFIXES, IMG_NAME, type ImageNameKind } from '../../../shared/contract';
import { visibleAssignments, type Range, type WordFact } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

const SUPPORTED = IMAGE_SUFFIXES.map((s) => s.suffix).join(', ');

export const imgNameSuffix: Rule = {
  code: 'MKIMG002',
  severity: 'error',
  title: `${IMG_NAME} is empty or has an unsupported suffix`,
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const a of visibleAssignments(facts, IMG_NAME)) {
      const word = a.value;
      if (!word || a.kind !== 'scalar' || a.operator !== '=') continue;
      if (word.value === '') {
        findings.push({
          range: a.range,
          message: `${IMG_NAME} is empty; give the image a file name such as ${EXAMPLE_IMAGE_NAME} (or a plain name for a directory).`,
        });
        continue;
      }
      const kind = word.value !== undefined ? classifyImageName(word.value) : classifyTail(word.literalSuffix ?? '');
      if (kind?.kind !== 'unsupported') continue;
      const advice = kind.suggestion
        ? `Use "${kind.suggestion}".`
        : `Use one of ${SUPPORTED}, or no suffix to keep a directory.`;
      const range = suffixRange(word, kind.suffix);
      findings.push({
        range,
        message:
          `${IMG_NAME} ${quote(word.value ?? word.text)} ends in "${kind.suffix}", which makeimg cannot write: ` +
          `it archives to ${SUPPORTED}, or leaves a directory when there is no suffix. ${advice}`,
        data: kind.suggestion ? { kind: 'replace', range, newText: kind.suggestion } : undefined,
      });
    }
    return findings;
  },
};

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
