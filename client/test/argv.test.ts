import { strict as assert } from 'node:assert';
import {
  buildArgs,
  DEFAULT_PRIVILEGE_COMMAND,
  pipelineRunner,
  POLKIT_LAUNCHER,
  polkitLauncher,
  privilegedCommand,
  privilegeProgram,
  shellArgs,
  type BuildArgsInput,
  type PipelineRunner,
} from '../src/build/argv';

/** A build's whole command line, makeimg's launcher installed or not (`launcher`). */
function buildArgv(input: PipelineRunner & BuildArgsInput & { launcher?: string }): string[] {
  return privilegedCommand(input, buildArgs(input), (p) => p === input.launcher).argv;
}

describe('client build argv', () => {
  const base = {
    privilegeCommand: DEFAULT_PRIVILEGE_COMMAND,
    nodePath: '/opt/VSCode/code',
    pipelineScript: '/ext/dist/makeimg.js',
    directory: '/home/u/proj',
  };

  it('runs the pipeline through pkexec and env with ELECTRON_RUN_AS_NODE', () => {
    assert.deepEqual(buildArgv(base), [
      'pkexec',
      '--disable-internal-agent',
      '/usr/bin/env',
      'ELECTRON_RUN_AS_NODE=1',
      '/opt/VSCode/code',
      '/ext/dist/makeimg.js',
      '--json',
      '--directory',
      '/home/u/proj',
    ]);
  });

  it("runs makeimg's polkit launcher, with arguments only, when it is installed and the command is pkexec", () => {
    assert.deepEqual(buildArgv({ ...base, launcher: POLKIT_LAUNCHER, imgDirBase: '/srv/i' }), [
      'pkexec',
      '--disable-internal-agent',
      POLKIT_LAUNCHER,
      '--json',
      '--directory',
      '/home/u/proj',
      '/srv/i',
    ]);
    assert.equal(
      polkitLauncher(DEFAULT_PRIVILEGE_COMMAND, () => true),
      POLKIT_LAUNCHER,
    );
    assert.equal(
      polkitLauncher(['/usr/bin/pkexec'], () => true),
      POLKIT_LAUNCHER,
    );
    assert.equal(
      polkitLauncher(DEFAULT_PRIVILEGE_COMMAND, () => false),
      undefined,
    );
    assert.equal(
      polkitLauncher(['sudo', '-n'], () => true),
      undefined,
    );
  });

  it('appends img_dir_base, resolved against the project directory', () => {
    assert.equal(buildArgv({ ...base, imgDirBase: 'out/imgs' }).at(-1), '/home/u/proj/out/imgs');
    assert.equal(buildArgv({ ...base, imgDirBase: '/srv/images' }).at(-1), '/srv/images');
    // A name that looks like an option is still a path, never a flag.
    assert.equal(buildArgv({ ...base, imgDirBase: '--evil' }).at(-1), '/home/u/proj/--evil');
    assert.equal(buildArgv({ ...base, imgDirBase: '  ' }).at(-1), '/home/u/proj');
    // `~` means the invoking user's home, not root's.
    assert.equal(buildArgv({ ...base, imgDirBase: '~/images', homeDirectory: '/home/u' }).at(-1), '/home/u/images');
  });

  it('adds --no-cache before img_dir_base when asked', () => {
    assert.deepEqual(buildArgv({ ...base, noCache: true, imgDirBase: '/srv' }).slice(-3), ['/home/u/proj', '--no-cache', '/srv']);
    assert.ok(!buildArgv({ ...base, noCache: false }).includes('--no-cache'));
  });

  it('keeps paths with spaces and shell characters as single arguments', () => {
    const argv = buildArgv({ ...base, directory: '/home/u/my proj; rm -rf ~' });
    assert.equal(argv[argv.indexOf('--directory') + 1], '/home/u/my proj; rm -rf ~');
  });

  it('uses another privilege command, or none', () => {
    assert.deepEqual(buildArgv({ ...base, privilegeCommand: ['sudo', '-n'] }).slice(0, 3), ['sudo', '-n', '/usr/bin/env']);
    assert.equal(buildArgv({ ...base, privilegeCommand: [] })[0], '/usr/bin/env');
  });

  it('refuses relative paths', () => {
    assert.throws(() => buildArgv({ ...base, directory: 'proj' }), /directory must be an absolute path/);
    assert.throws(() => buildArgv({ ...base, nodePath: 'node' }), /nodePath must be an absolute path/);
  });

  it('names the privilege program', () => {
    assert.equal(privilegeProgram(['/usr/bin/pkexec', '--disable-internal-agent']), 'pkexec');
    assert.equal(privilegeProgram([]), undefined);
  });

  it('is one privileged command for build, clean and shell: the launcher when installed, else env with a warning', () => {
    const installed = (p: string) => p === POLKIT_LAUNCHER;
    const shell = shellArgs({ imagePath: '/srv/i/x.tar', lease: '/tmp/l/lease' });
    assert.deepEqual(privilegedCommand(base, shell, installed), {
      argv: ['pkexec', '--disable-internal-agent', POLKIT_LAUNCHER, 'shell', '--lease=/tmp/l/lease', '/srv/i/x.tar'],
      privilegeCommandLength: 2,
      launcher: POLKIT_LAUNCHER,
    });
    const clean = buildArgs({ directory: '/home/u/proj', action: { verb: 'clean', keepImage: true } });
    assert.deepEqual(privilegedCommand(base, clean, installed).argv.slice(2), [
      POLKIT_LAUNCHER,
      'clean',
      '--keep-image',
      '--directory',
      '/home/u/proj',
    ]);
    const fallback = privilegedCommand(base, shell, () => false);
    assert.deepEqual(fallback.argv.slice(0, 6), [
      'pkexec',
      '--disable-internal-agent',
      '/usr/bin/env',
      'ELECTRON_RUN_AS_NODE=1',
      '/opt/VSCode/code',
      '/ext/dist/makeimg.js',
    ]);
    assert.match(fallback.warning!, /polkit action is not installed .*run \/usr\/bin\/env as root/);
    // sudo (or no privilege command) has no polkit action to miss: no launcher, no warning.
    const sudo = privilegedCommand({ ...base, privilegeCommand: ['sudo', '-n'] }, shell, installed);
    assert.equal(sudo.argv[2], '/usr/bin/env');
    assert.equal(sudo.warning, undefined);
    assert.equal(sudo.privilegeCommandLength, 2);
    assert.throws(() => shellArgs({ imagePath: 'x.tar', lease: '/l' }), /imagePath must be an absolute path/);
  });

  it("takes node and the bundle from the settings and the extension (the extension host's node when unset)", () => {
    assert.deepEqual(pipelineRunner({ privilegeCommand: ['pkexec'], nodePath: '' }, '/ext'), {
      privilegeCommand: ['pkexec'],
      nodePath: process.execPath,
      pipelineScript: '/ext/dist/makeimg.js',
    });
    assert.equal(pipelineRunner({ privilegeCommand: [], nodePath: '/opt/node' }, '/ext').nodePath, '/opt/node');
  });
});
