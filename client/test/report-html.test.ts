/**
 * The report webview's page: its Content-Security-Policy allows only the
 * nonce'd style element, so everything drawn (the size bars' widths) must
 * come from there; a style attribute would be ignored (every bar was drawn
 * at full width). Report text is escaped.
 */
import * as assert from 'node:assert/strict';
import type { ImageReport } from '../../shared/image-report';
import { reportHtml } from '../src/image/report-html';

const report: ImageReport = {
  totalBytes: 5_000_134,
  counts: { files: 15, directories: 16, symlinks: 4, devices: 0, other: 0 },
  byTopDir: [
    { path: '/usr', bytes: 5_000_000, files: 10 },
    { path: '/etc', bytes: 134, files: 5 },
  ],
  byUsr: [
    { path: '/usr/lib', bytes: 2_500_000, files: 5 },
    { path: '/usr/bin', bytes: 2_500_000, files: 5 },
  ],
  byVar: [],
  largest: [{ path: '/usr/bin/<bash>', bytes: 1_200_000 }],
  setuid: [],
  setgid: [],
  capabilities: [],
  devices: [],
  unknownOwners: [],
  hasPasswd: true,
  hasGroup: true,
  findings: [],
  suppressed: [],
};

describe('image report page (webview)', () => {
  const html = reportHtml('/img/tiny.tar.gz', report, 'NONCE');

  it('has no style attributes: the CSP (style-src nonce) would ignore them', () => {
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'nonce-NONCE';"/);
    assert.doesNotMatch(html, /\sstyle=/);
    assert.equal((html.match(/<style /g) ?? []).length, 1);
    assert.match(html, /<style nonce="NONCE">/);
  });

  it('draws each bar at its share of the largest one, through the nonced style element', () => {
    const css = /<style nonce="NONCE">([\s\S]*?)<\/style>/.exec(html)![1]!;
    const widthOf = (path: string): number => {
      const row = new RegExp(`<td class="path">${path.replace(/\//g, '\\/')}</td><td class="bar"><div class="(w\\d+)">`).exec(html);
      assert.ok(row, `a bar for ${path}`);
      const rule = new RegExp(`\\.${row[1]} \\{ width: ([\\d.]+)%; \\}`).exec(css);
      assert.ok(rule, `a width rule for ${path}'s bar`);
      return Number(rule[1]);
    };
    assert.equal(widthOf('/usr'), 100);
    assert.equal(widthOf('/etc'), 0);
    assert.equal(widthOf('/usr/lib'), 100);
    assert.equal(widthOf('/usr/bin'), 100);
  });

  it('escapes what comes from the image', () => {
    assert.ok(html.includes('/usr/bin/&#60;bash&#62;'));
    assert.doesNotMatch(html, /<bash>/);
  });
});
