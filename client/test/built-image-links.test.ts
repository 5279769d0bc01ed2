/**
 * The img_name hover's links to the built image (issue 15 §3: "a link ...
 * on the img_name hover when the image exists"): where the hover applies,
 * and the command links it carries (their arguments decode to the image).
 */
import * as assert from 'node:assert/strict';
import { COMMANDS } from '../../shared/ids-and-settings';
import { builtImageMarkdown, HOVER_COMMANDS, imgNameAt } from '../src/image/built-image-links';

describe('img_name hover: links to the built image', () => {
  it('applies on the name of an img_name assignment only, with its literal value', () => {
    const line = 'img_name=debian-bookworm.tar.zst # the image';
    for (const column of [0, 4, 8]) assert.deepEqual(imgNameAt(line, column), { value: 'debian-bookworm.tar.zst' });
    assert.equal(imgNameAt(line, 12), undefined, 'not on the value');
    assert.deepEqual(imgNameAt('  img_name="tiny.tar.gz"', 4), { value: 'tiny.tar.gz' });
    assert.deepEqual(imgNameAt("img_name='x.tar';", 2), { value: 'x.tar' });
    assert.deepEqual(imgNameAt('img_name="${name}.tar"', 2), { value: undefined }, 'an expansion cannot be compared');
    assert.equal(imgNameAt('echo $img_name', 6), undefined);
    assert.equal(imgNameAt('my_img_name=x.tar', 4), undefined);
  });

  it('links Open Image, Show Report and Open Shell, with the image path as argument', () => {
    const imgPath = '/home/u/proj (1)/img/a "b" & c\'s.tar.gz';
    const md = builtImageMarkdown({ imgPath, bytes: 3 * 2 ** 20, builtAt: 1_000_000, findings: 2 }, 1_000_000 + 5 * 60_000);
    assert.match(md, /^\*\*Built:\*\* `\/home\/u\/proj \(1\)\/img\/a "b" & c's\.tar\.gz` \(3(\.0)? MiB, 5 min ago, 2 hygiene findings\)/);
    const links = [...md.matchAll(/\[([^\]]+)\]\(command:([\w.]+)(?:\?([^ )]+))?/g)].map((m) => ({
      title: m[1],
      command: m[2],
      args: m[3] ? (JSON.parse(decodeURIComponent(m[3])) as unknown) : undefined,
    }));
    assert.deepEqual(links, [
      { title: 'Open Image', command: COMMANDS.openImage, args: [imgPath] },
      { title: 'Show Report', command: COMMANDS.showReport, args: undefined },
      { title: 'Open Shell in Image', command: COMMANDS.openShell, args: [imgPath] },
    ]);
    // The hover enables exactly the commands it links to.
    assert.deepEqual([...HOVER_COMMANDS].sort(), links.map((l) => l.command).sort());
    assert.match(builtImageMarkdown({ imgPath, bytes: 0, builtAt: 0, findings: 0 }, 10), /just now, no hygiene findings/);
  });
});
