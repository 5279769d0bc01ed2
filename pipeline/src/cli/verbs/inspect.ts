/** `makeimg inspect IMAGE`: the build report of an existing image (../inspect.ts). */
import { NO_PAINT } from '../../../../shared/report-text';
import { watchCancellation } from '../../cancel';
import { runInspect } from '../inspect';
import { paintFor } from '../output-mode';
import type { Verb } from '../verb';

export const inspectVerb: Verb = {
  name: 'inspect',
  summary: 'the build report of an existing image (.tar* or directory; no root needed)',
  synopsis: '[--json] [--strict] IMAGE',
  description:
    'Reads an image (a .tar* archive through its decompressor, nothing extracted, or a directory image)\nand prints its report: sizes, largest files, special files, hygiene findings (MKIMG1xx).',
  options: {
    strict: { type: 'boolean', help: 'exit 1 when the image has hygiene findings (MKIMG1xx)' },
  },
  positionals: { name: 'IMAGE', meaning: 'a .tar* file or a directory image', max: 1 },
  streams: true,
  async run(ctx) {
    const cancellation = watchCancellation({ watchStdin: false });
    try {
      return await runInspect(ctx.positionals[0], {
        json: ctx.output.json,
        strict: ctx.values.strict === true,
        out: ctx.stdout,
        err: ctx.stderr,
        paint: ctx.output.colour ? paintFor(ctx.output) : NO_PAINT,
        signal: cancellation.signal,
      });
    } finally {
      cancellation.dispose();
    }
  },
};
