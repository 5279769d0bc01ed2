/**
 * Test fixture: starts `sleep` through the process runner, prints its pid,
 * and waits; the test kills this process with SIGKILL and checks that the
 * sleep died with it.
 */
import { startProcess } from '../../process';

void (async () => {
  const deathSignal = process.argv[2] === 'SIGTERM' ? 'SIGTERM' : undefined;
  const child = await startProcess(['sleep', '1000'], { deathSignal });
  process.stdout.write(`${child.pid}\n`);
  await child.done;
})();
