/**
 * One real distribution: debootstrap --variant=minbase bookworm into $img_dir
 * from this host's Debian mirror, a do_postinstall that creates a user
 * inside the new system, .tar.zst output. Takes a minute or two.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { project, Scratch } from './support/projects';
import { resultEvent, runMakeimg } from './support/run-makeimg';

const IMAGE_SH = `img_name=bookworm.tar.zst
# The host's Debian mirror: /etc is visible read-only inside the confinement.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | head -n 1)

do_install()
{
    debootstrap --variant=minbase bookworm "$img_dir" "\${mirror:-http://deb.debian.org/debian}"
}

do_postinstall()
{
    useradd --create-home --uid 1500 --shell /bin/bash builder
}
`;

describe('makeimg real distribution build (debootstrap)', function () {
  this.timeout(600_000);
  const scratch = Scratch.forRootSuite();

  it('builds Debian bookworm minbase with a user created by do_postinstall', async () => {
    const src = await project(scratch, IMAGE_SH);
    const base = await scratch.dir('img');
    const r = await runMakeimg(['--json', '--directory', src, base]);
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
    const archive = path.join(base, 'bookworm.tar.zst');
    assert.equal(resultEvent(r)?.imgPath, archive);
    const passwd = execFileSync('tar', ['-xOf', archive, './etc/passwd']).toString();
    assert.match(passwd, /^root:x:0:0:/m);
    assert.match(passwd, /^builder:x:1500:1500::\/home\/builder:\/bin\/bash$/m);
    const listing = execFileSync('tar', ['-tvf', archive, './home/builder/', './usr/bin/dpkg'], { maxBuffer: 1 << 20 }).toString();
    assert.match(listing, /^drwx.* 1500\/1500 .* \.\/home\/builder\/$/m);
    assert.match(listing, /\.\/usr\/bin\/dpkg$/m);
  });
});
