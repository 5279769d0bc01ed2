/**
 * MKIMG020: an image.sh that is some other script. The extension claims
 * every file named image.sh; in a repository where image.sh is an unrelated
 * shell script, "img_name is never set" and "do_install is not defined" would
 * be two errors about a file that was never meant for makeimg. A file with
 * code but none of makeimg's names (nor a near-miss of one) gets this one
 * information instead, with a fix that hands the file to the shell language.
 */
import { HOOKS, NON_HOOKS, PROVIDED_VARIABLES, VARIABLES } from '../../../shared/contract';
import { COMMANDS } from '../../../shared/ids-and-settings';
import type { DocumentFacts } from '../facts';
import { canJudgeAbsence } from './common';
import { nearMiss } from './names';
import { DOCUMENT_START, type Rule, type RuleFinding, type RuleFix } from './types';

const NAMES = [
  ...VARIABLES.map((v) => v.name),
  ...HOOKS.map((h) => h.name),
  ...PROVIDED_VARIABLES.map((v) => v.name),
  ...NON_HOOKS.map((n) => n.name),
];
const KNOWN = new Set(NAMES);

const isMakeimgName = (name: string): boolean => KNOWN.has(name) || nearMiss(name, NAMES) !== undefined;

/**
 * Whether the document is clearly not a makeimg recipe: it has code, none of
 * makeimg's names (variables, hooks, provided variables, not even a
 * near-miss) and nothing unseen (source, eval, a syntax error) that could
 * hold them. An empty or comment-only image.sh is a recipe not yet written.
 */
export function isNotARecipe(facts: DocumentFacts): boolean {
  if (!canJudgeAbsence(facts)) return false;
  if (facts.commands.length === 0 && facts.functions.length === 0 && facts.assignments.length === 0) return false;
  return !(
    facts.assignments.some((a) => isMakeimgName(a.name)) ||
    facts.functions.some((f) => isMakeimgName(f.name)) ||
    facts.references.some((r) => isMakeimgName(r.name)) ||
    facts.commands.some((c) => isMakeimgName(c.name))
  );
}

export const notARecipe = {
  code: 'MKIMG020',
  severity: 'information',
  docs: {
    summary:
      'A file named image.sh that is not a makeimg recipe (code, but none of makeimg\'s names): one information instead of "img_name is never set" and "do_install is not defined".',
    why: 'The extension treats every file named image.sh as a makeimg recipe. In a repository where image.sh is some other shell script, reporting the missing img_name and do_install as errors would be wrong: the file was never meant for makeimg.',
    howToFix:
      'If the file is a makeimg recipe, add img_name and do_install (the information goes away and the usual rules apply). If it is not, the quick fix "Treat as a plain shell script" associates it with the shell language for this workspace (`files.associations` in the workspace settings) and switches the open editor to it.',
    example: {
      bad: '#!/bin/sh\n# builds the docs site\nset -e\nnpm ci\nnpm run build',
      good: 'img_name=docs.tar.gz\n\ndo_install()\n{\n    cp -r site "$img_dir/srv"\n}',
    },
  },
  message(): string {
    return "This image.sh does not look like a makeimg recipe: it sets no img_name, defines no do_install and uses none of makeimg's names. If it is some other shell script, treat it as one.";
  },
  check({ facts }): RuleFinding[] {
    if (!isNotARecipe(facts)) return [];
    return [{ range: DOCUMENT_START, message: notARecipe.message() }];
  },
  fix(): RuleFix {
    return {
      title: 'Treat this file as a plain shell script (this workspace)',
      edits: [],
      command: { command: COMMANDS.useShellLanguage },
    };
  },
} satisfies Rule;
