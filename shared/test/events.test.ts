import * as assert from 'node:assert/strict';
import { decodeEvent, encodeEvent, type BuildEvent } from '../events';

describe('events: NDJSON protocol', () => {
  it('round-trips every event type', () => {
    const events: BuildEvent[] = [
      { type: 'stage', stage: 'install', index: 3, total: 5, state: 'end', ms: 12 },
      { type: 'log', stage: 'install', stream: 'stderr', text: 'hello' },
      { type: 'progress', stage: 'archive', done: 1, total: 2 },
      { type: 'error', stage: 'install', message: 'do_install failed (exit 1)', file: '/p/image.sh', line: 4 },
      { type: 'result', ok: true, imgPath: '/p/img/x.tar', bytes: 10, ms: 3 },
    ];
    for (const e of events) {
      const line = encodeEvent(e);
      assert.ok(line.endsWith('\n'));
      assert.deepEqual(decodeEvent(line), e);
    }
  });
  it('ignores lines that are not events', () => {
    assert.equal(decodeEvent('plain text'), undefined);
    assert.equal(decodeEvent('{"type":"nope"}'), undefined);
    assert.equal(decodeEvent('{broken'), undefined);
  });
});

describe('events: validation of what the extension decodes', () => {
  it('refuses events whose fields do not match the protocol', () => {
    for (const bad of [
      { type: 'stage', stage: 'install', index: 3, total: 5, state: 'halfway' },
      { type: 'stage', stage: 'nowhere', index: 3, total: 5, state: 'end' },
      { type: 'log', stage: 'install', stream: 'stdout' },
      { type: 'log', stage: 'install', stream: 'stdout', text: 42 },
      { type: 'progress', stage: 'archive', done: -1, total: 2 },
      { type: 'error', message: 'x', line: 0 },
      { type: 'result', ok: 'yes', ms: 1 },
      { type: 'result', ok: false, ms: 1, kept: 'not a list' },
    ]) {
      assert.equal(decodeEvent(JSON.stringify(bad)), undefined, JSON.stringify(bad));
    }
  });

  it('drops fields it does not know (a newer pipeline) and keeps the event', () => {
    assert.deepEqual(decodeEvent('{"type":"result","ok":true,"ms":1,"future":true}'), { type: 'result', ok: true, ms: 1 });
  });

  it('keeps the count of a flood notice', () => {
    const notice: BuildEvent = { type: 'log', stage: 'install', stream: 'stderr', text: '[makeimg: 5 lines ...]', dropped: 5 };
    assert.deepEqual(decodeEvent(encodeEvent(notice)), notice);
  });
});
