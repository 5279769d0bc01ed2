import * as assert from 'node:assert/strict';
import { LineSplitter, splitLines } from '../lines';

describe('LineSplitter', () => {
  it('joins lines across chunks, keeps a character split between chunks whole, drops CR before LF', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('I: Größe\r\nzwei\ndrei', 'utf8');
    const cut = bytes.indexOf(Buffer.from('ö')) + 1; // inside the two bytes of 'ö'
    const lines = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
    assert.deepEqual(lines, ['I: Größe', 'zwei']);
    assert.deepEqual([...splitter.end()], ['drei']);
  });

  it('keeps empty lines and gives nothing more at the end after a final newline', () => {
    assert.deepEqual(splitLines(Buffer.from('a\n\nb\n')), ['a', '', 'b']);
  });

  it('gives a line longer than the maximum out in pieces, a character cut between pieces whole', () => {
    // 'é' is two bytes: with a maximum of 3 bytes, 'aé' fills 3, then 'éb' ...
    const lines = splitLines(Buffer.from('aééb\nabc\n', 'utf8'), 3);
    assert.deepEqual(lines.join('|'), 'aé|éb|abc');
    assert.ok(splitLines(Buffer.from('x'.repeat(10) + '\n'), 5).every((l) => l.length <= 5));
    assert.deepEqual(splitLines(Buffer.from('12345\n'), 5), ['12345'], 'a line of exactly the maximum is whole');
  });

  // Regression (issue 11 item 3): the old splitter re-scanned its whole buffer on every chunk, so
  // 16 MB without a newline took 17 s and 64 MB did not finish in 200 s. Linear now: 64 MB in 64 KiB
  // chunks, as a pipe delivers them, fits well in the test's timeout.
  for (const megabytes of [16, 64]) {
    it(`${megabytes} MB without a newline, in pipe-sized chunks, comes out in pieces of the maximum length`, () => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const splitter = new LineSplitter(1024 * 1024);
      let pieces = 0;
      let bytes = 0;
      for (let i = 0; i < megabytes * 16; i++) {
        for (const piece of splitter.push(chunk)) {
          pieces += 1;
          bytes += piece.length;
        }
      }
      for (const piece of splitter.end()) {
        pieces += 1;
        bytes += piece.length;
      }
      assert.equal(bytes, megabytes * 1024 * 1024);
      assert.equal(pieces, megabytes);
    });
  }
});
