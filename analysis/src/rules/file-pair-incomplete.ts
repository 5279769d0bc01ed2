/** MKIMG005: a *_files_src array without its *_files_dst array, or the reverse. */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { knownElementCount, visibleAssignments } from '../facts';
import { canJudgeAbsence } from './common';
import type { Rule, RuleFinding } from './types';
import { placeholdersFor } from './fixes';
import { insertAssignmentFix } from './fixes';

export const filePairIncomplete: Rule = {
  code: 'MKIMG005',
  severity: 'error',
  docs: {
    summary: 'One array of a pair is set without the other.',
    why: 'Files are copied in pairs: sources without destinations (or destinations without sources) cannot be copied, and makeimg refuses the build at the resolve stage.',
    howToFix:
      'Add the missing array with one entry per element. The quick fix adds it after its partner, with placeholders to fill in (`/CHANGE-ME/<name>` destinations, reported by MKIMG018 until edited; `CHANGE-ME` sources).',
    example: {
      bad: 'postinstall_files_src=(motd)',
      good: 'postinstall_files_src=(motd)\npostinstall_files_dst=(/etc/motd)',
    },
  },
  check({ facts }) {
    if (!canJudgeAbsence(facts)) return [];
    const findings: RuleFinding[] = [];
    for (const pair of FILE_ARRAY_PAIRS) {
      const srcs = visibleAssignments(facts, pair.src);
      const dsts = visibleAssignments(facts, pair.dst);
      if ((srcs.length === 0) === (dsts.length === 0)) continue;
      const [present, missingName, role] = srcs.length > 0 ? [srcs[0], pair.dst, 'destinations'] : [dsts[0], pair.src, 'sources'];
      const count = knownElementCount(present);
      const placeholder = `${missingName}=(${placeholdersFor(present, count ?? 1, role === 'destinations' ? 'destination' : 'source').join(' ')})`;
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
  fix(finding, ctx) {
    return finding.data?.kind === 'insert-assignment' ? insertAssignmentFix(ctx, finding.data) : undefined;
  },
};
