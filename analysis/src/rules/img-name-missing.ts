/** MKIMG001: image.sh must set img_name. */
import { EXAMPLE_IMAGE_NAME, IMG_NAME } from '../../../shared/contract';
import { topLevelAssignmentsTo } from '../facts';
import { canJudgeAbsence } from './common';
import { isNotARecipe } from './not-a-recipe';
import { nearMiss, VARIABLE_NAMES } from './names';
import { DOCUMENT_START, type Rule, type RuleFinding } from './types';
import { insertAssignmentFix } from './fixes';

export const imgNameMissing = {
  code: 'MKIMG001',
  severity: 'error',
  docs: {
    summary: '`img_name` is never set (top level, or a function the top level calls). Points at a look-alike such as `img_nmae`.',
    why: 'makeimg reads img_name before it runs any hook: it names the image file and its suffix picks the archive format. Without it the build stops at the resolve stage. Setting it only inside a function the top level never calls, or as a `local`, is the same as not setting it.',
    howToFix:
      'Set img_name at the top level of image.sh. The quick fix adds `img_name=myimage.tar.gz` above the first statement; when a look-alike such as `img_nmae` exists, rename that one instead (MKIMG008).',
    example: {
      bad: 'do_install()\n{\n    debootstrap bookworm "$img_dir"\n}',
      good: 'img_name=debian.tar.gz\n\ndo_install()\n{\n    debootstrap bookworm "$img_dir"\n}',
    },
  },
  /** `hidden`: img_name is set, but only where makeimg cannot see it. */
  message(hidden: boolean): string {
    return (
      `image.sh does not set ${IMG_NAME}${hidden ? ' at the top level' : ''}, the file name of the image; makeimg stops without it. ` +
      `Add a line like \`${IMG_NAME}=${EXAMPLE_IMAGE_NAME}\`${hidden ? ' outside any function' : ''}.`
    );
  },
  check({ facts }): RuleFinding[] {
    if (!canJudgeAbsence(facts) || topLevelAssignmentsTo(facts, IMG_NAME).length > 0) return [];
    // Some other script named image.sh: MKIMG020 says so once, instead of this error.
    if (isNotARecipe(facts)) return [];
    const example = `${IMG_NAME}=${EXAMPLE_IMAGE_NAME}`;
    const lookalike = facts.assignments.find((a) => nearMiss(a.name, VARIABLE_NAMES) === IMG_NAME);
    // Set only where makeimg cannot see it: in a function the top level never calls, or as a local.
    const hidden = facts.assignments.find((a) => a.name === IMG_NAME);
    const related = [
      ...(lookalike ? [{ range: lookalike.nameRange, message: `"${lookalike.name}" looks like a misspelling of ${IMG_NAME}` }] : []),
      ...(hidden
        ? [
            {
              range: hidden.nameRange,
              message: `set here, but only when ${hidden.function ?? 'this command'} runs; makeimg reads ${IMG_NAME} before any hook`,
            },
          ]
        : []),
    ];
    return [
      {
        range: DOCUMENT_START,
        message: imgNameMissing.message(Boolean(hidden)),
        related: related.length > 0 ? related : undefined,
        data: { kind: 'insert-assignment', name: IMG_NAME, text: example },
      },
    ];
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'insert-assignment'
      ? { ...insertAssignmentFix(ctx, finding.data), notPreferred: Boolean(finding.related) }
      : undefined;
  },
} satisfies Rule;
