/** MKIMG007: functions named like hooks that makeimg never calls (do_preinstall). */
import { DO_INSTALL, NON_HOOKS } from '../../../shared/contract';
import type { Rule, RuleFinding } from './types';

export const nonHook: Rule = {
  code: 'MKIMG007',
  severity: 'warning',
  docs: {
    summary: '`do_preinstall()` is defined: the preinstall stage has no hook, so it never runs (shown faded).',
    why: 'makeimg has no preinstall hook: the preinstall stage only copies the preinstall files. A `do_preinstall` function never runs, so its commands silently do not happen (the editor shows it faded).',
    howToFix: 'Copy files with `preinstall_files_src`/`preinstall_files_dst`, or move the commands into do_install.',
    example: {
      bad: 'do_preinstall()\n{\n    cp resolv.conf "$img_dir/etc/"\n}',
      good: 'preinstall_files_src=(resolv.conf)\npreinstall_files_dst=(/etc/resolv.conf)',
    },
  },
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
