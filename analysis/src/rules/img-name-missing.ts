/** MKIMG001: image.sh must set img_name. */
import { EXAMPLE_IMAGE_NAME, IMG_NAME, VARIABLES } from '../../../shared/contract';
import { topLevelAssignmentsTo } from '../facts';
import { canJudgeAbsence } from './common';
import { nearMiss } from './names';
import { DOCUMENT_START, type Rule } from './types';

export const imgNameMissing: Rule = {
  code: 'MKIMG001',
  severity: 'error',
  title: `${IMG_NAME} is not set`,
  check({ facts }) {
    if (!canJudgeAbsence(facts) || topLevelAssignmentsTo(facts, IMG_NAME).length > 0) return [];
    const example = `${IMG_NAME}=${EXAMPLE_IMAGE_NAME}`;
    const lookalike = facts.assignments.find((a) => nearMiss(a.name, VARIABLES.map((v) => v.name)) === IMG_NAME);
    // Set only where makeimg cannot see it: in a function the top level never calls, or as a local.
    const hidden = facts.assignments.find((a) => a.name === IMG_NAME);
    const related = [
      ...(lookalike ? [{ range: lookalike.nameRange, message: `"${lookalike.name}" looks like a misspelling of ${IMG_NAME}` }] : []),
      ...(hidden ? [{ range: hidden.nameRange, message: `set here, but only when ${hidden.function ?? 'this command'} runs; makeimg reads ${IMG_NAME} before any hook` }] : []),
    ];
    return [
      {
        range: DOCUMENT_START,
        message:
          `image.sh does not set ${IMG_NAME}${hidden ? ' at the top level' : ''}, the file name of the image; makeimg stops without it. ` +
          `Add a line like \`${example}\`${hidden ? ' outside any function' : ''}.`,
        related: related.length > 0 ? related : undefined,
        data: { kind: 'insert-assignment', name: IMG_NAME, text: example },
      },
    ];
  },
};
