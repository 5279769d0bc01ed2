/** `makeimg help [VERB]`. */
import { suggest, UsageError } from '../command-line';
import { mainUsage, verbUsage } from '../usage';
import type { Verb } from '../verb';

export function helpVerb(verbs: () => readonly Verb[]): Verb {
  return {
    name: 'help',
    summary: "show this help, or a verb's (makeimg help build)",
    synopsis: '[VERB]',
    description: 'Shows the verbs and options of makeimg, or of one verb.',
    options: {},
    positionals: { name: 'VERB', meaning: 'the verb to explain', max: 1 },
    async run(ctx) {
      const name = ctx.positionals[0];
      if (name === undefined) {
        ctx.stdout.write(mainUsage(verbs()));
        return 0;
      }
      const verb = verbs().find((v) => v.name === name);
      if (!verb) {
        const meant = suggest(
          name,
          verbs().map((v) => v.name),
        );
        throw new UsageError(`'${name}' is not a makeimg command${meant ? `; did you mean '${meant}'?` : ''} (see makeimg --help)`);
      }
      ctx.stdout.write(verbUsage(verb));
      return 0;
    },
  };
}
