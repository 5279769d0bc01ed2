/**
 * Code lens "Build Image" above the img_name assignment. It runs the
 * client's build command with the document URI; editors without that
 * command show the lens and do nothing.
 */
import type { CodeLens } from 'vscode-languageserver';
import { IMG_NAME } from '../../../shared/contract';
import { COMMANDS } from '../../../shared/ids-and-settings';
import { visibleAssignments, type DocumentFacts } from '../../../analysis/src/facts';

export const BUILD_LENS_TITLE = 'Build Image';

export function codeLenses(facts: DocumentFacts, uri: string): CodeLens[] {
  // The first top-level assignment: the one a reader sees as "the name of this image".
  const assignment = visibleAssignments(facts, IMG_NAME).find((a) => a.function === null && a.form === 'plain');
  if (!assignment) return [];
  return [
    {
      range: assignment.statementRange,
      command: { title: BUILD_LENS_TITLE, command: COMMANDS.buildImage, arguments: [uri] },
    },
  ];
}
