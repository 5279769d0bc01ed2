/**
 * MKIMG018: a *_files_dst element that is empty (`""` copies to the image's
 * root) or still the placeholder a quick fix inserted.
 */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { visibleAssignments } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

/** What "Append placeholder destination" inserts: visible, and reported until edited. */
export const DESTINATION_PLACEHOLDER = '/CHANGE-ME';

export const fileDestinationPlaceholder: Rule = {
  code: 'MKIMG018',
  severity: 'warning',
  docs: {
    summary: 'A `*_files_dst` element is empty (`""`, which copies into the image\'s root `/`) or still a placeholder (`/CHANGE-ME...`).',
    why: 'An empty destination is not "no destination": makeimg copies the source to `/` of the image, where it rarely belongs, and the pair looks complete. A placeholder inserted by a quick fix would be copied to `/CHANGE-ME` if left as it is.',
    howToFix: "Write where the file goes in the image, e.g. `/etc/hostname`; write `/` when the image's root is really meant.",
    example: {
      bad: 'postinstall_files_src=(files/hostname)\npostinstall_files_dst=("")',
      good: 'postinstall_files_src=(files/hostname)\npostinstall_files_dst=(/etc/hostname)',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const pair of FILE_ARRAY_PAIRS) {
      for (const assignment of visibleAssignments(facts, pair.dst)) {
        if (assignment.kind !== 'array') continue;
        for (const element of assignment.elements ?? []) {
          if (element.value === '') {
            findings.push({
              range: element.range,
              message: `An empty destination in ${pair.dst} copies its source into the image's root (/). Write where it goes (e.g. /etc/hostname), or / if the root is meant.`,
            });
          } else if (element.value !== undefined && element.value.startsWith(DESTINATION_PLACEHOLDER)) {
            findings.push({
              range: element.range,
              message: `${quote(element.value)} in ${pair.dst} is a placeholder: write where its source goes in the image.`,
            });
          }
        }
      }
    }
    return findings;
  },
};
