/** MKIMG003: image.sh must define do_install. */
import { DO_INSTALL, findHook, HOOKS, IMG_DIR } from '../../../shared/contract';
import { functionsNamed } from '../facts';
import { canJudgeAbsence } from './common';
import { nearMiss } from './names';
import { DOCUMENT_START, type Rule } from './types';

export const doInstallMissing: Rule = {
  code: 'MKIMG003',
  severity: 'error',
  title: `${DO_INSTALL} is not defined`,
  check({ facts }) {
    if (!canJudgeAbsence(facts) || functionsNamed(facts, DO_INSTALL).length > 0) return [];
    const skeleton = findHook(DO_INSTALL)?.skeleton ?? [];
    const text = `${DO_INSTALL}() {\n${skeleton.map((line) => `    ${line}`).join('\n')}\n}`;
    const lookalike = facts.functions.find((f) => nearMiss(f.name, HOOKS.map((h) => h.name)) === DO_INSTALL);
    return [
      {
        range: DOCUMENT_START,
        message:
          `image.sh does not define ${DO_INSTALL}(), the hook that installs the root filesystem into $${IMG_DIR}; ` +
          `makeimg stops without it. Add a ${DO_INSTALL}() { ... } function.`,
        related: lookalike
          ? [{ range: lookalike.nameRange, message: `"${lookalike.name}" looks like a misspelling of ${DO_INSTALL}` }]
          : undefined,
        data: { kind: 'insert-function', name: DO_INSTALL, text },
      },
    ];
  },
};
