/** The registry of image.sh rules, in code order. Codes are stable: never reuse or renumber one. */
import { byteOrderMark } from './byte-order-mark';
import { crlfLineEndings } from './crlf-line-endings';
import { doInstallMissing } from './do-install-missing';
import { fileArrayScalar } from './file-array-scalar';
import { fileDestinationPlaceholder } from './file-destination-placeholder';
import { fileSourceMissing } from './file-source-missing';
import { fileSourceOutside } from './file-source-outside';
import { filePairIncomplete } from './file-pair-incomplete';
import { filePairLength } from './file-pair-length';
import { imgNameMissing } from './img-name-missing';
import { imgDirBaseReference } from './img-dir-base-reference';
import { imgNameSuffix } from './img-name-suffix';
import { nearMissName } from './near-miss';
import { nonHook } from './non-hook';
import { notARecipe } from './not-a-recipe';
import { nulBytes } from './nul-bytes';
import { originalHelpers } from './original-helpers';
import { providedAssigned } from './provided-assigned';
import { providedInPostinstall } from './provided-in-postinstall';
import { sourcedFile } from './sourced-file';
import { syntaxError } from './syntax-error';
import type { Finding, Rule, RuleContext } from './types';

export const RULES: readonly Rule[] = [
  imgNameMissing,
  imgNameSuffix,
  doInstallMissing,
  filePairLength,
  filePairIncomplete,
  fileArrayScalar,
  nonHook,
  nearMissName,
  providedInPostinstall,
  providedAssigned,
  syntaxError,
  fileSourceOutside,
  fileSourceMissing,
  crlfLineEndings,
  byteOrderMark,
  nulBytes,
  sourcedFile,
  fileDestinationPlaceholder,
  notARecipe,
  originalHelpers,
  imgDirBaseReference,
];

/** The rules about the raw text (line endings, byte order mark, NUL bytes): the pipeline refuses such an image.sh with their words. */
export const ENCODING_RULES: readonly Rule[] = [crlfLineEndings, byteOrderMark, nulBytes];

export function findRule(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code);
}

/** Run one rule: its findings with the rule's code and severity. */
export function checkRule(rule: Rule, ctx: RuleContext): Finding[] {
  return rule.check(ctx).map((f) => ({ ...f, code: rule.code, severity: f.severity ?? rule.severity }));
}

export type {
  Finding,
  FixContext,
  FixData,
  RelatedInfo,
  Rule,
  RuleContext,
  RuleDocs,
  RuleFinding,
  RuleFix,
  Severity,
  SourceFiles,
  TextEdit,
} from './types';
