/** MKIMG006: the *_files_src/dst variables must be arrays, not strings. */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { visibleAssignments } from '../facts';
import type { Rule, RuleFinding } from './types';
import { replaceFix } from './fixes';

const FILE_ARRAYS = FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]);

export const fileArrayScalar = {
  code: 'MKIMG006',
  severity: 'warning',
  docs: {
    summary: 'A `*_files_src`/`*_files_dst` variable is a string, not an array (`"a b"` stays one element).',
    why: 'makeimg reads the file variables as arrays. A string is one element: `"a b"` is one file named "a b", not two files, and the pairing with the other array is off.',
    howToFix: 'Write the value as an array: `name=(a b)`. The quick fix rewrites it.',
    example: {
      bad: 'preinstall_files_src="resolv.conf mirrorlist"',
      good: 'preinstall_files_src=(resolv.conf mirrorlist)',
    },
  },
  /** `value`: the string as bash reads it (when known); `text`: as written. */
  message(name: string, value: string | undefined, text: string): string {
    const words = value?.trim().split(/\s+/) ?? [];
    const spaced = words.length > 1;
    return (
      `${name} is a string, but makeimg reads it as an array` +
      (spaced ? ': a space-separated string stays ONE element, not a list. ' : '. ') +
      `Write it as an array: ${name}=(${spaced ? words.join(' ') : text}).`
    );
  },
  check({ facts }): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const name of FILE_ARRAYS) {
      for (const a of visibleAssignments(facts, name)) {
        if (a.kind !== 'scalar' || !a.value || a.form === 'for-variable' || a.operator === 'none') continue;
        const words = a.value.value?.trim().split(/\s+/) ?? [];
        const suggestion = `(${words.length > 1 ? words.join(' ') : a.value.text})`;
        findings.push({
          range: a.valueRange ?? a.range,
          message: fileArrayScalar.message(name, a.value.value, a.value.text),
          data: a.valueRange ? { kind: 'replace', range: a.valueRange, newText: suggestion } : undefined,
        });
      }
    }
    return findings;
  },
  fix(finding, ctx) {
    if (finding.data?.kind !== 'replace') return undefined;
    return replaceFix(ctx, finding.data.range, finding.data.newText, `Write as an array: ${finding.data.newText}`);
  },
} satisfies Rule;
