/**
 * What image.sh says about the report: the codes it silences
 * (`image_checks_disable=(...)`, evaluated, and `# makeimg-disable=...`
 * comments, read statically) and the line of its img_name assignment, where
 * the editor shows the findings. Reading the file as text runs nothing.
 */
import { promises as fs } from 'node:fs';
import { factsOfText } from '../../../analysis/src/analysis';
import { IMAGE_CHECKS_DISABLE, IMG_NAME } from '../../../shared/contract';
import { disabledByComment } from '../../../shared/image-report';
import type { ImageDescription } from '../stages/evaluate';

export interface ReportSettings {
  disabled: Set<string>;
  /** 1-based line of the top-level img_name assignment, when there is one. */
  imgNameLine?: number;
}

export async function reportSettings(description: ImageDescription): Promise<ReportSettings> {
  const disabled = new Set<string>(description.arrays[IMAGE_CHECKS_DISABLE]?.items ?? []);
  let imgNameLine: number | undefined;
  try {
    const facts = await factsOfText(await fs.readFile(description.imageFile, 'utf8'));
    for (const c of facts.comments) for (const code of disabledByComment(c.text)) disabled.add(code);
    const assignment = facts.assignments.find((a) => a.name === IMG_NAME && a.function === null);
    if (assignment) imgNameLine = assignment.range.start.line + 1;
  } catch {
    // image.sh changed or vanished since the build read it: the evaluated settings still hold
  }
  return { disabled, imgNameLine };
}
