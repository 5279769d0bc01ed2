/** `makeimg clean [img_dir_base]`: remove this image.sh's image and kept working directories, nothing else. */
import { IMG_DIR_BASE_KEY } from '../../../../shared/contract';
import { EXIT } from '../../../../shared/events';
import { watchCancellation } from '../../cancel';
import { pkexecCaller, resolveImgDirBase } from '../../config';
import { InvalidInputError } from '../../errors';
import { checkHost } from '../../host';
import { checkImgDirParent, cleanTargets, imagePaths } from '../../image-paths';
import { MountHolder } from '../../confine/held-dirs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeTree } from '../../outputs';
import { evaluateImage } from '../../stages/evaluate';
import { validateDescription } from '../../validate';
import type { Verb } from '../verb';

export const cleanVerb: Verb = {
  name: 'clean',
  summary: "remove this image.sh's image and kept working directories (needs root)",
  synopsis: `[options] [${IMG_DIR_BASE_KEY}]`,
  description: `Reads img_name (the confined evaluation, as a build does) and removes, in ${IMG_DIR_BASE_KEY},
only the image and the working directories a failed or cancelled build kept,
never anything else. A path with something mounted inside is left alone.`,
  options: {
    'dry-run': { type: 'boolean', short: 'n', help: 'only list what would be removed' },
    'keep-image': { type: 'boolean', help: 'remove only kept working directories, not the image' },
  },
  positionals: { name: IMG_DIR_BASE_KEY, meaning: 'where the images are', max: 1 },
  async run(ctx) {
    const out = (line: string) => ctx.stdout.write(line + '\n');
    const base = resolveImgDirBase(ctx.positionals[0], ctx.srcDir, ctx.env);
    const cancellation = watchCancellation({ watchStdin: false });
    try {
      checkHost();
      const description = await evaluateImage(ctx.srcDir, { signal: cancellation.signal });
      const problem = validateDescription(description).find((p) => /img_name/.test(p.message));
      if (problem || !description.imgName)
        throw new InvalidInputError(problem?.message ?? 'img_name is not set', description.imageFile, problem?.line);
      const paths = imagePaths(base.path, description.imgName);
      const targets = await cleanTargets(paths, ctx.values['keep-image'] === true);
      if (targets.length === 0) {
        out(`nothing to remove in ${base.path}`);
        return EXIT.OK;
      }
      // Removed through the image's directory as held (held-dirs.ts), which a pkexec caller must own.
      const caller = pkexecCaller(ctx.env);
      const dir = path.dirname(paths.imgPath);
      const holder = await MountHolder.start();
      try {
        const held = await holder.hold(await fs.realpath(dir), dir, 'out', {
          noFollow: false,
          check: (st) => caller && checkImgDirParent(dir, st, caller.uid, caller.uid),
        });
        for (const t of targets) {
          if (ctx.values['dry-run']) out(`would remove ${t}`);
          else {
            await removeTree(t, path.join(held.path, path.basename(t)));
            out(`removed ${t}`);
          }
        }
      } finally {
        await holder.stop();
      }
      return EXIT.OK;
    } catch (e) {
      if (cancellation.signal.aborted) return EXIT.CANCELLED;
      if (e instanceof InvalidInputError) {
        ctx.stderr.write(`${e.file && e.line ? `${e.file}:${e.line}: ` : 'makeimg: '}error: ${e.message}\n`);
        return EXIT.INVALID;
      }
      throw e;
    } finally {
      cancellation.dispose();
    }
  },
};
