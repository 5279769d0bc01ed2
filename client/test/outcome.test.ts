import { strict as assert } from 'node:assert';
import type { ErrorEvent, ResultEvent } from '../../shared/events';
import { classifyOutcome, describeOutcome, type ProcessEnd } from '../src/build/outcome';

const PKEXEC = ['pkexec', '--disable-internal-agent'];

function end(over: Partial<ProcessEnd>): ProcessEnd {
  return { privilegeCommand: PKEXEC, exitCode: 0, signal: null, stderr: '', errors: [], cancelRequested: false, ...over };
}

describe('client build outcome mapping', () => {
  it('pkexec not installed (ENOENT)', () => {
    const err = Object.assign(new Error('spawn pkexec ENOENT'), { code: 'ENOENT' });
    const o = classifyOutcome(end({ spawnError: err, exitCode: null }));
    assert.deepEqual(o, { kind: 'privilege-missing', program: 'pkexec' });
    assert.match(describeOutcome(o), /"pkexec" is not installed/);
  });

  it('not authorized: 127 and "Not authorized"', () => {
    const o = classifyOutcome(
      end({ exitCode: 127, stderr: 'Error executing command as another user: Not authorized\n\nThis incident has been reported.\n' }),
    );
    assert.equal(o.kind, 'not-authorized');
    assert.match(describeOutcome(o), /not authorized/);
  });

  it('no authentication agent: 127 and "No authentication agent found"', () => {
    const o = classifyOutcome(end({ exitCode: 127, stderr: 'Error executing command as another user: No authentication agent found.\n' }));
    assert.equal(o.kind, 'no-agent');
    assert.match(describeOutcome(o), /no polkit authentication agent/);
  });

  it('dialog dismissed: 126', () => {
    const o = classifyOutcome(end({ exitCode: 126, stderr: 'Error executing command as another user: Request dismissed\n' }));
    assert.equal(o.kind, 'dismissed');
    assert.match(describeOutcome(o), /dismissed/);
  });

  it('127 without a polkit message is env not finding node, reported with its words', () => {
    const o = classifyOutcome(end({ exitCode: 127, stderr: "/usr/bin/env: '/nope/node': No such file or directory\n" }));
    assert.equal(o.kind, 'crashed');
    assert.match(describeOutcome(o), /code 127.*No such file or directory/);
  });

  it('pipeline exit 2 shows its message', () => {
    const error: ErrorEvent = { type: 'error', stage: 'resolve', message: 'image.sh does not set img_name' };
    const o = classifyOutcome(end({ exitCode: 2, errors: [error] }));
    assert.deepEqual(o, { kind: 'invalid', message: 'image.sh does not set img_name', error });
    assert.match(describeOutcome(o), /^Not built: image.sh does not set img_name/);
  });

  it('pipeline exit 2 without events falls back to the last stderr line', () => {
    const result: ResultEvent = { type: 'result', ok: false, ms: 3 };
    const o = classifyOutcome(end({ exitCode: 2, result, stderr: 'makeimg: must run as root\n' }));
    assert.deepEqual(o, { kind: 'invalid', message: 'makeimg: must run as root' });
  });

  it('a failed hook keeps its error event (file and line)', () => {
    const error: ErrorEvent = { type: 'error', stage: 'install', message: 'do_install failed (exit 1)', file: '/p/image.sh', line: 7 };
    const result: ResultEvent = { type: 'result', ok: false, ms: 10 };
    const o = classifyOutcome(end({ exitCode: 1, errors: [error], result }));
    assert.equal(o.kind, 'failed');
    assert.equal(o.kind === 'failed' && o.error?.line, 7);
  });

  it('cancelled: exit 130 with what was kept', () => {
    const result: ResultEvent = { type: 'result', ok: false, cancelled: true, ms: 10, kept: ['/p/img/x'] };
    const o = classifyOutcome(end({ exitCode: 130, result, cancelRequested: true }));
    assert.deepEqual(o, { kind: 'cancelled', kept: ['/p/img/x'] });
    assert.match(describeOutcome(o), /kept \/p\/img\/x/);
    assert.equal(classifyOutcome(end({ exitCode: 130 })).kind, 'cancelled');
  });

  it('built: the result event decides', () => {
    const result: ResultEvent = { type: 'result', ok: true, imgPath: '/p/img/a.tar', bytes: 10, ms: 5 };
    assert.deepEqual(classifyOutcome(end({ exitCode: 0, result })), { kind: 'built', result });
  });

  it('sudo -n refusals', () => {
    const sudo = ['sudo', '-n'];
    assert.equal(
      classifyOutcome(end({ privilegeCommand: sudo, exitCode: 1, stderr: 'sudo: a password is required\n' })).kind,
      'password-required',
    );
    assert.equal(
      classifyOutcome(end({ privilegeCommand: sudo, exitCode: 1, stderr: 'bob is not in the sudoers file.\n' })).kind,
      'not-authorized',
    );
  });

  it('an unexplained exit is a crash with its code', () => {
    const o = classifyOutcome(end({ exitCode: 1, stderr: 'TypeError: x is undefined\n' }));
    assert.deepEqual(o, { kind: 'crashed', message: 'the build exited with code 1: TypeError: x is undefined' });
  });
});
