/** Settings from the client are validated: wrong types take their defaults, one by one. */
import assert from 'node:assert/strict';
import { DEFAULT_SERVER_SETTINGS } from '../../shared/ids-and-settings';
import { normalizeSettings } from '../src/settings';

describe('settings from the client (schema)', () => {
  it('completes a missing or non-object section with the defaults', () => {
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SERVER_SETTINGS);
    assert.deepEqual(normalizeSettings(null), DEFAULT_SERVER_SETTINGS);
    assert.deepEqual(normalizeSettings('makeimg'), DEFAULT_SERVER_SETTINGS);
    assert.deepEqual(normalizeSettings({ shellcheck: 7, format: [] }), DEFAULT_SERVER_SETTINGS);
  });

  it('keeps valid settings and replaces each wrong one by its default alone', () => {
    const settings = normalizeSettings({
      disabledRules: ['MKIMG010', 42, null, 'SC2086'],
      shellcheck: { enable: 'no', path: '/opt/shellcheck' },
      maxNumberOfProblems: 12.7,
      format: { simplify: true, binaryNextLine: 'yes' },
      unknownSetting: true,
    });
    assert.deepEqual(settings, {
      disabledRules: ['MKIMG010', 'SC2086'],
      shellcheck: { enable: true, path: '/opt/shellcheck' },
      maxNumberOfProblems: 12,
      format: { ...DEFAULT_SERVER_SETTINGS.format, simplify: true },
    });
    assert.equal(normalizeSettings({ maxNumberOfProblems: -1 }).maxNumberOfProblems, DEFAULT_SERVER_SETTINGS.maxNumberOfProblems);
    assert.deepEqual(normalizeSettings({ disabledRules: 'MKIMG010' }).disabledRules, []);
  });
});
