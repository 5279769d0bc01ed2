/** `makeimg check [img_dir_base]`: validate without building. */
import { IMG_DIR_BASE_KEY } from '../../../../shared/contract';
import { EXIT } from '../../../../shared/events';
import { watchCancellation } from '../../cancel';
import { resolveImgDirBase } from '../../config';
import type { Verb } from '../verb';
import { checkExitCode, checkImage, formatCheckReport } from './check-report';

export const checkVerb: Verb = {
  name: 'check',
  summary: 'validate image.sh and print the resolved paths, without building',
  synopsis: `[options] [${IMG_DIR_BASE_KEY}]`,
  description: `Runs the static rules (as makeimg lint) and, as root, the confined evaluation of
image.sh (the same as a build's resolve stage), then prints the resolved paths.
Exit status: ${EXIT.OK} valid, ${EXIT.INVALID} problems found, ${EXIT.UNCHECKED} no problem found by the static rules but
the confined evaluation did not run (not root).`,
  options: {},
  positionals: { name: IMG_DIR_BASE_KEY, meaning: 'where images would be written', max: 1 },
  compatDirectory: true,
  streams: true,
  async run(ctx) {
    const base = resolveImgDirBase(ctx.positionals[0], ctx.srcDir, ctx.env);
    const cancellation = watchCancellation({ watchStdin: ctx.output.json });
    try {
      const report = await checkImage(ctx.srcDir, base, cancellation.signal);
      ctx.stdout.write(ctx.output.json ? JSON.stringify(report) + '\n' : formatCheckReport(report));
      return checkExitCode(report);
    } catch (e) {
      if (cancellation.signal.aborted) return EXIT.CANCELLED;
      throw e;
    } finally {
      cancellation.dispose();
    }
  },
};
