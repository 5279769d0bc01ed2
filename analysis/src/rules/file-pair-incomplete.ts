/** MKIMG005: a *_files_src array without its *_files_dst array, or the reverse. */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { knownElementCount, visibleAssignments } from '../facts';
import { canJudgeAbsence } from './common';
import type { Rule, RuleFinding } from './types';

export const filePairIncomplete: Rule = {
  code: 'MKIMG005',
  severity: 'error',
  title: 'a *_files_src or *_files_dst array is set without its partner',
  check({ facts }) {
    if (!canJudgeAbsence(facts)) return [];
    const findings: RuleFinding[] = [];
    for (const pair of FILE_ARRAY_PAIRS) {
      const srcs = visibleAssignments(facts, pair.src);
      const dsts = visibleAssignments(facts, pair.dst);
      if ((srcs.length === 0) === (dsts.length === 0)) continue;
      const [present, missingName, role] = srcs.length > 0 ? [srcs[0], pair.dst, 'destinations'] : [dsts[0], pair.src, 'sources'];
      const count = knownElementCount(present);
      const placeholder = `${missingName}=(${Array.from({ length: count ?? 1 }, () => '""').join(' ')})`;
      findings.push({
        range: present.nameRange,
        message:
          `${present.name} is set but ${missingName} is not: the ${pair.stage} stage copies ${pair.src}[i] to ${pair.dst}[i], ` +
          `so without the ${role} nothing can be copied. Add ${missingName} with one entry per element.`,
        data: { kind: 'insert-assignment', name: missingName, text: placeholder, after: present.statementRange },
      });
    }
    return findings;
  },
};
