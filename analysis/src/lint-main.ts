/** Standalone entry of the linter: `node --import tsx analysis/src/lint-main.ts FILE...`. */
import { runLint } from './lint';

runLint(process.argv.slice(2), process.stdout, process.stderr).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`makeimg lint: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
