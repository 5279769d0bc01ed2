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
