/**
 * Runs the client's launcher outside VS Code, exactly as the extension does
 * (same argv builder, same launcher), for the privilege test: it runs as an
 * unprivileged user. Prints one JSON line per event ({"event": ...}) and a
 * last line {"outcome": ...}.
 *
 *   run-launcher.ts --pipeline DIST/makeimg.js --directory DIR [--img-dir-base BASE] [--privilege "pkexec --disable-internal-agent"]
 *                   [--cancel-on STAGE] [--launcher PATH]
 */
import { parseArgs } from 'node:util';
import { buildArgs, DEFAULT_PRIVILEGE_COMMAND, privilegedCommand } from '../../src/build/argv';
import { launchBuild } from '../../src/build/launcher';

const { values } = parseArgs({
  options: {
    pipeline: { type: 'string' },
    directory: { type: 'string' },
    'img-dir-base': { type: 'string' },
    privilege: { type: 'string' },
    'cancel-on': { type: 'string' },
    launcher: { type: 'string' },
  },
});
if (!values.directory || !values.pipeline) {
  process.stderr.write('run-launcher: --pipeline and --directory are required\n');
  process.exit(2);
}
const privilegeCommand = values.privilege === undefined ? DEFAULT_PRIVILEGE_COMMAND : values.privilege.split(' ').filter(Boolean);
// The extension's own privileged command; makeimg's launcher counts as installed only when --launcher names it.
const command = privilegedCommand(
  { privilegeCommand, nodePath: process.execPath, pipelineScript: values.pipeline },
  buildArgs({ directory: values.directory, imgDirBase: values['img-dir-base'] }),
  (p) => p === values.launcher,
);
const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');
const handle = launchBuild({
  argv: command.argv,
  privilegeCommandLength: command.privilegeCommandLength,
  onEvent(event) {
    print({ event });
    if (event.type === 'stage' && event.state === 'start' && event.stage === values['cancel-on']) handle.cancel();
  },
  onOutput: (line, stream) => print({ output: line, stream }),
});
void handle.done.then((outcome) => print({ outcome }));
