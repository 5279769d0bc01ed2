/** MKIMG010: $src_dir, $img_dir and $img_path are set by makeimg; assigning them has no effect. */
import { PROVIDED_VARIABLES } from '../../../shared/contract';
import { alternatives } from './common';
import type { Rule, RuleFinding } from './types';
import { replaceFix } from './fixes';

const PROVIDED = new Set(PROVIDED_VARIABLES.map((v) => v.name));

export const providedAssigned: Rule = {
  code: 'MKIMG010',
  severity: 'warning',
  docs: {
    summary: '`src_dir`, `img_dir` or `img_path` is assigned; makeimg sets them and overwrites the value.',
    why: 'makeimg sets $src_dir, $img_dir and $img_path itself before it runs the hooks, so an assignment in image.sh is overwritten and the hooks never see its value.',
    howToFix: 'Use a variable of your own. The quick fix renames the assignment to `my_<name>`.',
    example: {
      bad: 'img_dir=/tmp/build',
      good: 'my_img_dir=/tmp/build',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const a of facts.assignments) {
      if (!PROVIDED.has(a.name) || a.declaration === 'local' || a.form === 'command-prefix' || a.operator === 'none') continue;
      findings.push({
        range: a.nameRange,
        message: `makeimg sets $${a.name} itself and overwrites this assignment. Use a variable of your own (e.g. my_${a.name}).`,
        data: { kind: 'replace', range: a.nameRange, newText: `my_${a.name}` },
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'replace' ? replaceFix(ctx, finding.data.range, finding.data.newText) : undefined;
  },
};
