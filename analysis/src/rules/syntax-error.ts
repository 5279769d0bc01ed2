/** MKIMG011: bash cannot parse this (ERROR and MISSING nodes of the syntax tree). */
import type { Rule, RuleFinding } from './types';

export const syntaxError: Rule = {
  code: 'MKIMG011',
  severity: 'error',
  title: 'syntax error',
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
