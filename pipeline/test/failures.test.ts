/**
 * Bad input and failing stages, with the real CLI and systemd-nspawn: the
 * right exit code, a clear error event (with the image.sh line when known),
 * nothing created before resolve succeeds, nothing overwritten, nothing
 * written outside $img_dir, and no effect of image.sh on the host.
 */
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../shared/events';
import { project, Scratch, tinyProject } from './support/projects';
import { errorEvent, resultEvent, runMakeimg } from './support/run-makeimg';

/** Line number (1-based) of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in image.sh`);
  return i + 1;
}

describe('makeimg failure paths (real systemd-nspawn)', function () {
  this.timeout(60_000);
  const scratch = Scratch.forRootSuite();

  async function build(src: string): Promise<{ base: string; r: Awaited<ReturnType<typeof runMakeimg>> }> {
    const base = path.join(await scratch.dir('out'), 'img');
    return { base, r: await runMakeimg(['--json', '--directory', src, base]) };
  }

  it('refuses to run without root, and rejects bad usage, with exit 2 and an error event', async () => {
    const src = await tinyProject(scratch, 'tiny.tar');
    const base = path.join(await scratch.dir('out'), 'img');
    const r = await runMakeimg(['--json', '--directory', src, base], { asUid: 65534 });
    assert.equal(r.code, EXIT.INVALID, r.stderr);
    assert.match(errorEvent(r)!.message, /must run as root/);
    assert.equal(existsSync(base), false);
    const usage = await runMakeimg(['--json', '--frobnicate']);
    assert.equal(usage.code, EXIT.INVALID);
    assert.match(errorEvent(usage)!.message, /unknown option --frobnicate/);
    assert.equal(usage.stderr, 'makeimg: unknown option --frobnicate (see makeimg help build)\n', 'one line, not the whole help');
  });

  it('refuses an image.sh without img_name before creating anything (exit 2)', async () => {
    const src = await project(scratch, 'do_install() { mkdir -p "$img_dir/etc"; }\n');
    const { base, r } = await build(src);
    assert.equal(r.code, EXIT.INVALID, r.stderr);
    assert.match(errorEvent(r)!.message, /image\.sh does not set img_name, .*\(MKIMG001\)/);
    assert.equal(existsSync(base), false, 'img_dir_base must not be created');
  });

  it('refuses an image.sh without do_install, and an unsupported suffix (exit 2)', async () => {
    const src = await project(scratch, 'img_name=x.tgz\n');
    const { base, r } = await build(src);
    assert.equal(r.code, EXIT.INVALID);
    // The words and codes of the editor's rules (MKIMG003, MKIMG002).
    assert.match(errorEvent(r)!.message, /image\.sh does not define do_install\(\), .*\(MKIMG003\)/);
    assert.match(errorEvent(r)!.message, /ends in "\.tgz", which makeimg cannot write: .* Use "\.tar\.gz"\. \(MKIMG002\)/);
    assert.equal(existsSync(base), false);
  });

  it('reports a syntax error with its line (exit 2)', async () => {
    const text = 'img_name=x.tar\ndo_install() {\n  if true; then\n    echo\n}\n';
    const src = await project(scratch, text);
    const { r } = await build(src);
    assert.equal(r.code, EXIT.INVALID);
    const e = errorEvent(r)!;
    assert.match(e.message, /syntax error/);
    assert.equal(e.file, path.join(src, 'image.sh'));
    assert.equal(typeof e.line, 'number');
  });

  it('fails on a failing do_install command with exit 1 and its image.sh line; keeps $img_dir', async () => {
    const text = `img_name=broken.tar.gz
prepare() {
    mkdir -p "$img_dir/etc"
    cp /nonexistent/file "$img_dir/etc/"
    echo unreachable
}
do_install() {
    echo starting
    prepare
}
`;
    const src = await project(scratch, text);
    const { base, r } = await build(src);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    const e = errorEvent(r)!;
    assert.equal(e.stage, 'install');
    assert.match(e.message, /do_install failed \(exit 1\)/);
    // The failing command by name (issue 12 §3).
    assert.match(e.message, /running `cp \/nonexistent\/file "\$img_dir\/etc\/"` in prepare/);
    // The cause, from the hook's last stderr lines (issue 12 §3).
    assert.match(e.message, /: cp: cannot stat '\/nonexistent\/file': No such file or directory/);
    assert.equal(e.file, path.join(src, 'image.sh'));
    assert.equal(e.line, lineOf(text, 'cp /nonexistent'));
    assert.ok(r.events.some((ev) => ev.type === 'log' && ev.stream === 'stderr' && /nonexistent/.test(ev.text)));
    assert.ok(!r.events.some((ev) => ev.type === 'log' && /unreachable/.test(ev.text)), 'set -e stops the hook');
    const kept = path.join(base, 'broken');
    assert.deepEqual(resultEvent(r)?.kept, [kept]);
    assert.match(e.message, new RegExp(`${kept} is kept`));
    assert.deepEqual(await fs.readdir(base), ['broken'], 'no archive, no temporary file');
  });

  it('an image.sh of the original makeimg that calls its helper ok and reads $img_dir_base: what MKIMG022/023 say happens', async function () {
    this.timeout(180_000);
    const text = `img_name=helpers.tar
do_install() {
    mkdir -p "$img_dir/etc"
    echo "base=[$img_dir_base]"
    ok "installed"
}
`;
    const src = await project(scratch, text);
    const lint = await runMakeimg(['lint', '--no-shellcheck', '--format', 'json', path.join(src, 'image.sh')]);
    const codes = (JSON.parse(lint.stdout) as { code: string; range: { start: { line: number } } }[]).map(
      (f) => `${f.code}:${f.range.start.line}`,
    );
    assert.deepEqual(codes, [`MKIMG023:${lineOf(text, 'base=')}`, `MKIMG022:${lineOf(text, 'ok ')}`]);
    const { r } = await build(src);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    assert.ok(
      r.events.some((ev) => ev.type === 'log' && ev.text === 'base=[]'),
      '$img_dir_base expands to nothing',
    );
    const e = errorEvent(r)!;
    assert.equal(e.line, lineOf(text, 'ok '));
    assert.match(e.message, /do_install failed \(exit 127\) running `ok "installed"`: .*ok: command not found/);
  });

  it('fails on a failing do_postinstall with exit 1 in the postinstall stage', async () => {
    const src = await tinyProject(scratch, 'post.tar', 'do_postinstall()\n{\n    echo in-rootfs\n    return 3\n}');
    const { base, r } = await build(src);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    const e = errorEvent(r)!;
    assert.equal(e.stage, 'postinstall');
    assert.match(e.message, /do_postinstall failed \(exit 3\)/);
    assert.ok(r.events.some((ev) => ev.type === 'log' && ev.stage === 'postinstall' && ev.text === 'in-rootfs'));
    assert.equal(existsSync(path.join(base, 'post.tar')), false);
    assert.deepEqual(resultEvent(r)?.kept, [path.join(base, 'post')]);
  });

  it('refuses to overwrite an existing img_path or $img_dir (exit 2), leaving them as they were', async () => {
    const src = await tinyProject(scratch, 'exists.tar.gz');
    const base = await scratch.dir('out');
    await fs.writeFile(path.join(base, 'exists.tar.gz'), 'precious');
    let r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.INVALID);
    assert.match(errorEvent(r)!.message, /already exists; rebuild with --force \(or in VS Code: Rebuild Image\)$/);
    assert.deepEqual(errorEvent(r)!.existing, { path: path.join(base, 'exists.tar.gz'), kind: 'image' });
    assert.equal(await fs.readFile(path.join(base, 'exists.tar.gz'), 'utf8'), 'precious');

    await fs.rm(path.join(base, 'exists.tar.gz'));
    await fs.mkdir(path.join(base, 'exists'));
    await fs.writeFile(path.join(base, 'exists', 'keep'), 'mine');
    r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, EXIT.INVALID);
    assert.match(
      errorEvent(r)!.message,
      /the working directory .*exists of an earlier build was kept; remove it with makeimg clean --keep-image, or rebuild with --force/,
    );
    assert.deepEqual(errorEvent(r)!.existing, { path: path.join(base, 'exists'), kind: 'working-directory' });
    assert.deepEqual(await fs.readdir(path.join(base, 'exists')), ['keep']);
  });

  it('refuses a destination escaping $img_dir through .. before building (exit 2)', async () => {
    const src = await project(
      scratch,
      'img_name=esc.tar\npreinstall_files_src=(a)\npreinstall_files_dst=(etc/../../../escaped)\ndo_install() { :; }\n',
      { a: 'x' },
    );
    const { base, r } = await build(src);
    assert.equal(r.code, EXIT.INVALID);
    assert.match(errorEvent(r)!.message, /would land outside/);
    assert.equal(existsSync(base), false);
    assert.equal(existsSync(path.join(path.dirname(base), 'escaped')), false);
  });

  it('refuses a destination through a symlink in the image that points outside (exit 1), writing nothing there', async () => {
    const target = await scratch.dir('host-target');
    const text = `img_name=link.tar
postinstall_files_src=(a)
postinstall_files_dst=(evil/a)
do_install() { ln -s ${target} "$img_dir/evil"; }
`;
    const src = await project(scratch, text, { a: 'x' });
    const { r } = await build(src);
    assert.equal(r.code, EXIT.BUILD_FAILED, r.stderr);
    const e = errorEvent(r)!;
    assert.equal(e.stage, 'postinstall');
    assert.match(e.message, /would land outside .*through the symlink evil -> /);
    assert.deepEqual(await fs.readdir(target), []);
  });

  it('refuses a source outside $src_dir (.. or a symlink) before building (exit 2)', async () => {
    const outside = path.join(await scratch.dir('secret'), 'secret');
    await fs.writeFile(outside, 'secret');
    for (const src of ['../secret-x/secret', 'link']) {
      const dir = await project(
        scratch,
        `img_name=s.tar\npreinstall_files_src=(${src})\npreinstall_files_dst=(etc/x)\ndo_install() { :; }\n`,
      );
      await fs.symlink(outside, path.join(dir, 'link'));
      const { base, r } = await build(dir);
      assert.equal(r.code, EXIT.INVALID, r.stderr);
      assert.match(errorEvent(r)!.message, /outside|does not exist/);
      assert.equal(existsSync(base), false);
    }
  });

  it('keeps top-level side effects of image.sh off the host', async () => {
    const victim = path.join(await scratch.dir('victim'), 'file');
    await fs.writeFile(victim, 'still here');
    const marker = path.join(path.dirname(victim), 'pwned');
    const text = `img_name=side.tar
touch /tmp/makeimg-pwned-$$ ${marker} || true
rm -rf "$HOME/.bashrc" ${victim} /root/.profile || true
echo evil > /etc/makeimg-pwned || true
do_install() { mkdir -p "$img_dir/etc"; touch "$src_dir/pwned" || true; }
`;
    const src = await project(scratch, text);
    const before = await fs.readdir('/tmp');
    const { r } = await build(src);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await fs.readFile(victim, 'utf8'), 'still here');
    assert.equal(existsSync(marker), false);
    assert.equal(existsSync('/etc/makeimg-pwned'), false);
    assert.equal(existsSync(path.join(src, 'pwned')), false, '$src_dir is read-only');
    assert.deepEqual(
      (await fs.readdir('/tmp')).filter((f) => f.startsWith('makeimg-pwned') && !before.includes(f)),
      [],
    );
  });
});
