/** MKIMG008: names one typo away from a hook or variable makeimg knows ("did you mean"). */
import { NON_HOOKS, PROVIDED_VARIABLES } from '../../../shared/contract';
import { HOOK_NAMES, nearMiss, VARIABLE_NAMES } from './names';
import type { Rule, RuleFinding } from './types';
import { renameFix } from './fixes';

const READABLE_NAMES = [...VARIABLE_NAMES, ...PROVIDED_VARIABLES.map((v) => v.name)];
const KNOWN = new Set([...HOOK_NAMES, ...VARIABLE_NAMES, ...READABLE_NAMES, ...NON_HOOKS.map((n) => n.name)]);

export const nearMissName: Rule = {
  code: 'MKIMG008',
  severity: 'warning',
  docs: {
    summary:
      'A near-miss of a makeimg name: a hook nobody calls (`do_instal`, `do_post_install`), a variable nobody reads (`img_nmae`, `postinstall_file_src`), or a read of a variable nobody sets (`$img_dri`).',
    why: 'bash does not complain about a misspelled name: a hook named `do_instal` never runs, a variable named `img_nmae` is never read, and `$img_dri` expands to nothing.',
    howToFix: 'Rename to the suggested name. The quick fix renames every occurrence, as a rename would.',
    example: {
      bad: 'do_instal()\n{\n    debootstrap bookworm "$img_dir"\n}',
      good: 'do_install()\n{\n    debootstrap bookworm "$img_dir"\n}',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = [];
    const called = new Set(facts.commands.map((c) => c.name));
    const referenced = new Set(facts.references.map((r) => r.name));
    const assigned = new Set(facts.assignments.map((a) => a.name));

    // A hook misspelled is a function nobody calls.
    for (const f of facts.functions) {
      if (KNOWN.has(f.name) || called.has(f.name)) continue;
      const meant = nearMiss(f.name, HOOK_NAMES);
      if (!meant) continue;
      findings.push({
        range: f.nameRange,
        message: `"${f.name}" is not a makeimg hook, so it never runs. Did you mean "${meant}"?`,
        data: { kind: 'replace', range: f.nameRange, newText: meant },
      });
    }
    // A contract variable misspelled is a variable nobody reads.
    const reported = new Set<string>();
    for (const a of facts.assignments) {
      if (KNOWN.has(a.name) || referenced.has(a.name) || a.declaration === 'local' || a.form !== 'plain') continue;
      const meant = nearMiss(a.name, VARIABLE_NAMES);
      if (!meant) continue;
      reported.add(a.name);
      findings.push({
        range: a.nameRange,
        message: `"${a.name}" is not read by makeimg. Did you mean "${meant}"?`,
        data: { kind: 'replace', range: a.nameRange, newText: meant },
      });
    }
    // A provided or contract variable misspelled where it is read is never set.
    for (const r of facts.references) {
      if (KNOWN.has(r.name) || assigned.has(r.name) || reported.has(r.name)) continue;
      const meant = nearMiss(r.name, READABLE_NAMES);
      if (!meant) continue;
      findings.push({
        range: r.range,
        message: `$${r.name} is never set, so it expands to nothing. Did you mean $${meant}?`,
        data: { kind: 'replace', range: r.range, newText: meant },
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'replace' ? renameFix(ctx, finding.data.range, finding.data.newText) : undefined;
  },
};
