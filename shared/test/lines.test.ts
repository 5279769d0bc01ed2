import * as assert from 'node:assert/strict';
import { LineSplitter } from '../lines';

describe('LineSplitter', () => {
  it('joins lines across chunks, keeps a character split between chunks whole, drops CR before LF', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('I: Größe\r\nzwei\ndrei', 'utf8');
    const cut = bytes.indexOf(Buffer.from('ö')) + 1; // inside the two bytes of 'ö'
    splitter.push(bytes.subarray(0, cut));
    splitter.push(bytes.subarray(cut));
    assert.deepEqual(lines, ['I: Größe', 'zwei']);
    splitter.flush();
    assert.deepEqual(lines, ['I: Größe', 'zwei', 'drei']);
  });
});
