/**
 * ShellCheck's `--format=json1` output: its shape and a validating parser.
 *
 * Positions are 1-based. Columns count Unicode code points, a tab counts as
 * one column (unlike the legacy `json` format, which expands tabs to 8), and
 * lines are split at `\n` only. `endColumn` is exclusive.
 */

import { z } from 'zod';

const LEVELS = ['error', 'warning', 'info', 'style'] as const;
export type Json1Level = (typeof LEVELS)[number];

const span = {
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
};

const replacementSchema = z.object({
  ...span,
  /** Where an insertion goes relative to other insertions at the same point. */
  insertionPoint: z.enum(['beforeStart', 'afterEnd']),
  precedence: z.number().optional(),
  replacement: z.string(),
});

const commentSchema = z.object({
  ...span,
  /** "-" for the checked text (stdin); sourced files carry their own path. */
  file: z.string(),
  level: z.enum(LEVELS),
  code: z.number().int(),
  message: z.string(),
  fix: z
    .object({ replacements: z.array(replacementSchema) })
    .nullish()
    .transform((fix) => fix ?? null),
});

const outputSchema = z.object({ comments: z.array(z.unknown()) });

export type Json1Span = z.infer<z.ZodObject<typeof span>>;
export type Json1Replacement = z.infer<typeof replacementSchema>;
export type Json1Comment = z.infer<typeof commentSchema>;

/** Parse shellcheck's json1 stdout; throws an Error saying what is wrong. */
export function parseJson1(stdout: string): Json1Comment[] {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`output is not JSON: ${JSON.stringify(stdout.slice(0, 120))}`);
  }
  const output = outputSchema.safeParse(data);
  if (!output.success) throw new Error('output has no "comments" array (is this shellcheck 0.7 or newer?)');
  return output.data.comments.map((c, i) => {
    const comment = commentSchema.safeParse(c);
    if (!comment.success) throw new Error(`comment ${i} has an unexpected shape: ${z.prettifyError(comment.error).replace(/\n/g, '; ')}`);
    return comment.data;
  });
}
