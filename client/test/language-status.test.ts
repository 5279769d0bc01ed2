/** What the language status item of image.sh says: the server's state, ShellCheck on/off with its version. */
import assert from 'node:assert/strict';
import { languageStatusText } from '../src/language-status-text';

describe('language status item (text)', () => {
  it('names the server state, and ShellCheck with its version, off, or why it cannot run', () => {
    const running = (shellcheck: Parameters<typeof languageStatusText>[1]) => languageStatusText('running', shellcheck);
    assert.deepEqual(running({ shellcheck: { enabled: true, executable: 'shellcheck', version: '0.9.0' } }), {
      text: 'makeimg server running',
      detail: 'ShellCheck 0.9.0',
      severity: 'information',
      busy: false,
    });
    assert.equal(running({ shellcheck: { enabled: false } }).detail, 'ShellCheck off (makeimg.shellcheck.enable)');
    const missing = running({ shellcheck: { enabled: true, executable: '/x/shellcheck', problem: 'not found' } });
    assert.deepEqual([missing.detail, missing.severity], ['ShellCheck unavailable: not found', 'warning']);
    assert.deepEqual(languageStatusText('starting', undefined), {
      text: 'makeimg server starting',
      detail: '',
      severity: 'information',
      busy: true,
    });
    const stopped = languageStatusText('stopped', { shellcheck: { enabled: false } });
    assert.deepEqual([stopped.text, stopped.severity], ['makeimg server stopped', 'error']);
  });
});
