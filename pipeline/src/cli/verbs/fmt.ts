/** `makeimg fmt [-w|--check] [shfmt flags] FILE...` (the flags are shfmt's: fmt parses them itself, ../fmt.ts). */
import { FMT_USAGE, runFmt } from '../fmt';
import type { Verb } from '../verb';

export const fmtVerb: Verb = {
  name: 'fmt',
  summary: "format image.sh files with shfmt's rules (no root needed)",
  synopsis: '[-w | --check] [-i N] [-bn] [-ci] [-sr] [-fn] [-s] FILE...',
  description: FMT_USAGE.slice(FMT_USAGE.indexOf('\n') + 1),
  options: {},
  positionals: { name: 'FILE...', meaning: 'the files to format', max: Infinity },
  ownArguments: { usage: FMT_USAGE },
  run: (ctx) => runFmt(ctx.positionals, ctx.stdout, ctx.stderr),
};
