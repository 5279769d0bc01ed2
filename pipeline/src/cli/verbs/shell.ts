/** `makeimg shell [--boot] [IMAGE] [-- COMMAND...]`: the image in systemd-nspawn (../shell.ts). */
import { EXIT } from '../../../../shared/events';
import { watchCancellation } from '../../cancel';
import { pkexecCaller, resolveImgDirBase } from '../../config';
import { UsageError } from '../command-line';
import { runShell } from '../shell';
import type { Verb } from '../verb';
import { checkImage } from './check-report';

export const shellVerb: Verb = {
  name: 'shell',
  summary: "a shell (or COMMAND) inside the image (default: this project's), in systemd-nspawn (root)",
  synopsis: '[--boot] [IMAGE] [-- COMMAND...]',
  description: `Runs a shell, or COMMAND, inside IMAGE (a .tar* archive or a directory image; default:
the image this project's image.sh builds) in systemd-nspawn. Nothing is written to the image:
a directory image runs under a volatile overlay, an archive is extracted to a private
temporary directory removed when the shell ends. --boot boots the image's init instead.`,
  options: {
    boot: { type: 'boolean', help: "boot the image's init instead of running a shell" },
    lease: {
      type: 'string',
      valueName: 'FILE',
      help: 'stop the shell when FILE disappears (the editor removes it when its terminal closes)',
    },
  },
  positionals: { name: 'IMAGE', meaning: 'a .tar* file or a directory image', max: 1 },
  commandAfterDashDash: 'COMMAND',
  async run(ctx) {
    const boot = ctx.values.boot === true;
    if (boot && ctx.command.length > 0) throw new UsageError("shell --boot runs the image's init, not a command");
    let image: string | undefined = ctx.positionals[0];
    let why = '';
    if (!image) {
      const base = resolveImgDirBase(undefined, ctx.srcDir, ctx.env);
      const cancellation = watchCancellation({ watchStdin: false });
      try {
        const report = await checkImage(ctx.srcDir, base, cancellation.signal);
        image = report.paths?.imgPath;
        why = report.problems.map((p) => p.message).join('; ');
      } finally {
        cancellation.dispose();
      }
    }
    if (!image) {
      ctx.stderr.write(`makeimg shell: no image given and none found for ${ctx.srcDir}${why ? `: ${why}` : ''}\n`);
      return EXIT.INVALID;
    }
    try {
      const lease = typeof ctx.values.lease === 'string' ? ctx.values.lease : undefined;
      return await runShell(image, { boot, command: ctx.command, lease, err: ctx.stderr, callerUid: pkexecCaller(ctx.env)?.uid });
    } catch (e) {
      ctx.stderr.write(`makeimg shell: ${(e as Error).message}\n`);
      return EXIT.INVALID;
    }
  },
};
