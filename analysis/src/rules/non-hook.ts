/** MKIMG007: functions named like hooks that makeimg never calls (do_preinstall). */
import { DO_INSTALL, NON_HOOKS } from '../../../shared/contract';
import type { Rule, RuleFinding } from './types';

export const nonHook: Rule = {
  code: 'MKIMG007',
  severity: 'warning',
  title: `a function named like a hook that makeimg never runs (${NON_HOOKS.map((h) => h.name).join(', ')})`,
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const nonHookSpec of NON_HOOKS) {
      // Called by the script itself, it does run: that is fine.
      if (facts.commands.some((c) => c.name === nonHookSpec.name)) continue;
      for (const f of facts.functions.filter((fn) => fn.name === nonHookSpec.name)) {
        findings.push({
          range: f.nameRange,
          message: `${nonHookSpec.reason} Copy files with the preinstall arrays, or move the commands into ${DO_INSTALL}.`,
          tags: ['unnecessary'],
        });
      }
    }
    return findings;
  },
};
