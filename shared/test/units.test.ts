import * as assert from 'node:assert/strict';
import { inBinaryUnits, percent } from '../units';

describe('units', () => {
  it('scales bytes to the largest binary unit that keeps the value at least 1', () => {
    assert.deepEqual([0, 1023, 1024, 1536, 5 * 1024 ** 2, 3 * 1024 ** 5].map(inBinaryUnits), [
      { value: 0, unit: 'B' },
      { value: 1023, unit: 'B' },
      { value: 1, unit: 'KiB' },
      { value: 1.5, unit: 'KiB' },
      { value: 5, unit: 'MiB' },
      { value: 3072, unit: 'TiB' },
    ]);
  });

  it('gives whole percents within 0..100, and 0 when there is nothing to measure', () => {
    assert.deepEqual([percent(0, 10), percent(999, 1000), percent(12, 10), percent(5, 0)], [0, 99, 100, 0]);
  });
});
