/** MKIMG003: image.sh must define do_install. */
import { DO_INSTALL, findHook, IMG_DIR } from '../../../shared/contract';
import { functionsNamed } from '../facts';
import { canJudgeAbsence } from './common';
import { isNotARecipe } from './not-a-recipe';
import { HOOK_NAMES, nearMiss } from './names';
import { DOCUMENT_START, type Rule, type RuleFinding } from './types';
import { insertFunctionFix } from './fixes';

export const doInstallMissing = {
  code: 'MKIMG003',
  severity: 'error',
  docs: {
    summary: '`do_install()` is not defined. Points at a look-alike such as `do_instal`.',
    why: 'do_install is the stage that installs the root filesystem into $img_dir (debootstrap, pacstrap, an archive...). Without it there is nothing to archive, and makeimg stops before building anything.',
    howToFix:
      "Define `do_install() { ... }` at the top level. The quick fix adds a skeleton before do_postinstall, in the file's indentation and brace style; when a look-alike such as `do_instal` exists, rename that one instead (MKIMG008).",
    example: {
      bad: 'img_name=debian.tar.gz',
      good: 'img_name=debian.tar.gz\n\ndo_install()\n{\n    debootstrap bookworm "$img_dir"\n}',
    },
  },
  message(): string {
    return (
      `image.sh does not define ${DO_INSTALL}(), the hook that installs the root filesystem into $${IMG_DIR}; ` +
      `makeimg stops without it. Add a ${DO_INSTALL}() { ... } function.`
    );
  },
  check({ facts }): RuleFinding[] {
    if (!canJudgeAbsence(facts) || functionsNamed(facts, DO_INSTALL).length > 0) return [];
    // Some other script named image.sh: MKIMG020 says so once, instead of this error.
    if (isNotARecipe(facts)) return [];
    const skeleton = findHook(DO_INSTALL)?.skeleton ?? [];
    const text = `${DO_INSTALL}() {\n${skeleton.map((line) => `    ${line}`).join('\n')}\n}`;
    const lookalike = facts.functions.find((f) => nearMiss(f.name, HOOK_NAMES) === DO_INSTALL);
    return [
      {
        range: DOCUMENT_START,
        message: doInstallMissing.message(),
        related: lookalike
          ? [{ range: lookalike.nameRange, message: `"${lookalike.name}" looks like a misspelling of ${DO_INSTALL}` }]
          : undefined,
        data: { kind: 'insert-function', name: DO_INSTALL, text },
      },
    ];
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'insert-function'
      ? { ...insertFunctionFix(ctx, finding.data.name), notPreferred: Boolean(finding.related) }
      : undefined;
  },
} satisfies Rule;
