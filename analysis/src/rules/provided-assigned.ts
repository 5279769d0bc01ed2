/** MKIMG010: $src_dir, $img_dir and $img_path are set by makeimg; assigning them has no effect. */
import { PROVIDED_VARIABLES } from '../../../shared/contract';
import { alternatives } from './common';
import type { Rule, RuleFinding } from './types';

const PROVIDED = new Set(PROVIDED_VARIABLES.map((v) => v.name));

export const providedAssigned: Rule = {
  code: 'MKIMG010',
  severity: 'warning',
  title: `${alternatives([...PROVIDED].map((name) => `$${name}`))} assigned in image.sh`,
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
};
