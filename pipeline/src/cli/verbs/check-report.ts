/**
 * `makeimg check`: validates image.sh without building. The language
 * server's static rules always; as root also the confined evaluation (the
 * same as a build's resolve stage), then the resolved paths.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  ARCHIVE_SUFFIX_PREFIX,
  DO_INSTALL,
  DO_POSTINSTALL,
  IMAGE_FILE_NAME,
  IMG_DIR,
  IMG_DIR_BASE_KEY,
  IMG_NAME,
  IMG_PATH,
  SRC_DIR,
} from '../../../../shared/contract';
import { EXIT } from '../../../../shared/events';
import { formatFinding, lintText, type LintFinding } from '../../../../analysis/src/lint';
import type { ImgDirBase } from '../../config';
import { InvalidInputError, isAbortError } from '../../errors';
import { isRoot } from '../../host';
import { imagePaths, type ImagePaths } from '../../image-paths';
import { checkDescription } from '../../validate';
import { evaluateImage, type ImageDescription } from '../../stages/evaluate';
import { filePairs, validateDescription } from '../../validate';

export interface CheckReport {
  ok: boolean;
  imageFile: string;
  findings: LintFinding[];
  /** Problems found by the confined evaluation (or why it could not run). */
  problems: { message: string; file?: string; line?: number }[];
  /** The confined evaluation ran (it needs root); without it only the static rules were checked. */
  evaluated: boolean;
  paths?: ImagePaths & { imgDirBaseSource: ImgDirBase['source'] };
  hooks?: Record<string, number>;
  files?: { stage: string; src: string; dst: string }[];
}

export async function checkImage(srcDir: string, base: ImgDirBase, signal: AbortSignal): Promise<CheckReport> {
  const imageFile = path.join(srcDir, IMAGE_FILE_NAME);
  const report: CheckReport = { ok: true, imageFile, findings: [], problems: [], evaluated: false };
  let text: string;
  try {
    text = await fs.readFile(imageFile, 'utf8');
  } catch {
    report.problems.push({ message: `no ${IMAGE_FILE_NAME} in ${srcDir}` });
    report.ok = false;
    return report;
  }
  report.findings = await lintText(text, imageFile);
  // The confined evaluation needs root; without it the report says what was not checked.
  if (isRoot()) await evaluateAndCheck(report, srcDir, base, signal);
  if (report.findings.some((f) => f.severity === 'error')) report.ok = false;
  return report;
}

/** The build's resolve stage: one confined evaluation, then the checks; the paths are shown whenever img_name could be read. */
async function evaluateAndCheck(report: CheckReport, srcDir: string, base: ImgDirBase, signal: AbortSignal): Promise<void> {
  const problem = (e: unknown): void => {
    if (isAbortError(e)) throw e;
    const ie = e instanceof InvalidInputError ? e : undefined;
    report.problems.push({ message: (e as Error).message, file: ie?.file, line: ie?.line });
    report.ok = false;
  };
  let description: ImageDescription;
  try {
    description = await evaluateImage(srcDir, { signal });
  } catch (e) {
    problem(e);
    return;
  }
  report.evaluated = true;
  // One verdict per problem: what the static rules reported already (same code) is not repeated in other words.
  const found = new Set(report.findings.map((f) => f.code));
  const problems = validateDescription(description);
  for (const p of problems) {
    if (p.code === undefined || !found.has(p.code)) report.problems.push({ message: p.message, file: description.imageFile, line: p.line });
  }
  if (problems.length > 0) {
    report.ok = false;
    const name = description.imgName;
    if (name && !name.includes('/')) report.paths = { ...imagePaths(base.path, name), imgDirBaseSource: base.source };
    return;
  }
  try {
    const paths = await checkDescription(description, srcDir, base.path);
    report.paths = { ...paths, imgDirBaseSource: base.source };
    report.hooks = Object.fromEntries(Object.entries(description.hooks).map(([k, v]) => [k, v.line]));
    report.files = (['preinstall', 'postinstall'] as const).flatMap((stage) => filePairs(description, stage).map((p) => ({ stage, ...p })));
  } catch (e) {
    problem(e);
    const name = description.imgName;
    if (name && !name.includes('/')) report.paths = { ...imagePaths(base.path, name), imgDirBaseSource: base.source };
  }
}

/** 0 valid, 2 problems, 3 no problem found but only the static rules ran (not root). */
export function checkExitCode(r: CheckReport): number {
  if (!r.ok) return EXIT.INVALID;
  return r.evaluated ? EXIT.OK : EXIT.UNCHECKED;
}

export function formatCheckReport(r: CheckReport): string {
  const lines: string[] = [];
  for (const f of r.findings) lines.push(formatFinding(f));
  for (const p of r.problems)
    lines.push(`${p.file ?? r.imageFile}${p.line ? `:${p.line}` : ''}: ${r.evaluated || !p.file ? 'problem' : 'error'}: ${p.message}`);
  if (r.paths) {
    const label = (name: string) => `${name}:`.padEnd(14);
    lines.push(`${label(SRC_DIR)}${path.dirname(r.imageFile)}`);
    lines.push(`${label(IMG_DIR_BASE_KEY)}${r.paths.imgDirBase} (${r.paths.imgDirBaseSource})`);
    lines.push(`${label(IMG_PATH)}${r.paths.imgPath}${r.paths.archived ? '' : ` (a directory: no ${ARCHIVE_SUFFIX_PREFIX} suffix)`}`);
    lines.push(`${label(IMG_DIR)}${r.paths.imgDir}`);
  }
  if (r.hooks) {
    for (const h of [DO_INSTALL, DO_POSTINSTALL]) {
      lines.push(`${h}: ${r.hooks[h] ? `line ${r.hooks[h]}` : 'not defined'}`);
    }
  }
  for (const f of r.files ?? []) lines.push(`${f.stage}: ${f.src} -> ${f.dst}`);
  if (!r.ok) lines.push('image.sh has problems');
  else if (r.evaluated) lines.push('image.sh is valid');
  else {
    lines.push('checked: the static rules (as makeimg lint), no errors');
    lines.push(
      `not checked: the confined evaluation (the values of ${IMG_NAME} and the file arrays as bash sees them, the hooks, the paths); it needs root: sudo makeimg check`,
    );
  }
  return lines.join('\n') + '\n';
}
