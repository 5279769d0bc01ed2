import { strict as assert } from 'node:assert';
import { buildArgv, DEFAULT_PRIVILEGE_COMMAND, POLKIT_LAUNCHER, polkitLauncher, privilegeProgram } from '../src/build/argv';

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
});
