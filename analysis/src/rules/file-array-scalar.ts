/** MKIMG006: the *_files_src/dst variables must be arrays, not strings. */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { visibleAssignments } from '../facts';
import type { Rule, RuleFinding } from './types';

const FILE_ARRAYS = FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]);

export const fileArrayScalar: Rule = {
  code: 'MKIMG006',
  severity: 'warning',
  title: 'a *_files_src/dst variable is assigned a string instead of an array',
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const name of FILE_ARRAYS) {
      for (const a of visibleAssignments(facts, name)) {
        if (a.kind !== 'scalar' || !a.value || a.form === 'for-variable' || a.operator === 'none') continue;
        const text = a.value.text;
        const words = a.value.value?.trim().split(/\s+/) ?? [];
        const spaced = words.length > 1;
        const suggestion = `(${spaced ? words.join(' ') : text})`;
        findings.push({
          range: a.valueRange ?? a.range,
          message:
            `${name} is a string, but makeimg reads it as an array` +
            (spaced ? ': a space-separated string stays ONE element, not a list. ' : '. ') +
            `Write it as an array: ${name}=${suggestion}.`,
          data: a.valueRange ? { kind: 'replace', range: a.valueRange, newText: suggestion } : undefined,
        });
      }
    }
    return findings;
  },
};
