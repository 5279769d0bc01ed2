import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { BuildEvent } from '../../shared/events';
import { launchBuild } from '../src/build/launcher';

const FAKE = join(__dirname, 'support', 'fake-pipeline.mjs');

describe('client build launcher (local process)', () => {
  it('decodes events across chunk boundaries and passes other output through', async () => {
    const events: BuildEvent[] = [];
    const other: string[] = [];
    const handle = launchBuild({
      argv: [process.execPath, FAKE],
      privilegeCommandLength: 0,
      onEvent: (e) => events.push(e),
      onOutput: (line, stream) => other.push(`${stream}:${line}`),
    });
    const outcome = await handle.done;
    assert.equal(outcome.kind, 'built');
    assert.deepEqual(
      events.map((e) => e.type),
      ['stage', 'log', 'result'],
    );
    assert.equal(events[1]?.type === 'log' && events[1].text, 'split line');
    assert.deepEqual(other.sort(), ['stderr:a warning on stderr', 'stdout:not an event']);
  });

  it('cancel closes stdin and the pipeline confirms', async () => {
    const events: BuildEvent[] = [];
    const handle = launchBuild({
      argv: [process.execPath, FAKE, '--wait-for-eof'],
      privilegeCommandLength: 0,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'log' && e.text === 'waiting') handle.cancel();
      },
    });
    const outcome = await handle.done;
    assert.equal(handle.cancelRequested, true);
    assert.deepEqual(outcome, { kind: 'cancelled', kept: [] });
  });

  it('a missing privilege command is reported, not thrown', async () => {
    const handle = launchBuild({
      argv: ['/nonexistent/pkexec', '--disable-internal-agent', '/usr/bin/true'],
      privilegeCommandLength: 2,
      onEvent: () => {},
    });
    assert.deepEqual(await handle.done, { kind: 'privilege-missing', program: 'pkexec' });
  });
});
