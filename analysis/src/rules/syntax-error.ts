/** MKIMG011: bash cannot parse this (ERROR and MISSING nodes of the syntax tree). */
import type { Rule, RuleFinding } from './types';

export const syntaxError: Rule = {
  code: 'MKIMG011',
  severity: 'error',
  docs: {
    summary:
      'Syntax error: says which construct is not closed and where it was opened (`"if" on line 3 is never closed; add "fi"`), or which token is unexpected. At most 100 per file.',
    why: 'makeimg sources image.sh with bash; bash refuses a file it cannot parse, so the build stops at the resolve stage. The message says which construct is not closed and where it was opened (`"if" on line 3 is never closed; add "fi"`), or which token is unexpected; at most 100 are reported.',
    howToFix: 'Close or remove the construct the message names.',
    example: {
      bad: 'do_install()\n{\n    if [ ! -d "$img_dir/etc" ]; then\n        debootstrap bookworm "$img_dir"\n}',
      good: 'do_install()\n{\n    if [ ! -d "$img_dir/etc" ]; then\n        debootstrap bookworm "$img_dir"\n    fi\n}',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = facts.syntaxErrors.map((e) => ({
      range: e.range,
      message: e.message,
      related:
        e.openerRange && (e.openerRange.start.line !== e.range.start.line || e.openerRange.start.character !== e.range.start.character)
          ? [{ range: e.openerRange, message: 'opened here' }]
          : undefined,
    }));
    const last = facts.syntaxErrors[facts.syntaxErrors.length - 1];
    if (facts.syntaxErrorsTruncated && last) {
      findings.push({ range: last.range, message: 'More syntax errors follow; fix the ones above first (is this a shell script?).' });
    }
    return findings;
  },
};
