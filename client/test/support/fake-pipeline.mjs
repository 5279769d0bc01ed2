// A stand-in for the pipeline in launcher unit tests: speaks the --json
// protocol. "--wait-for-eof": stays in install until stdin closes, then
// reports a cancellation (exit 130) like the real pipeline does.
const waitForEof = process.argv.includes('--wait-for-eof');
const emit = (e) => process.stdout.write(JSON.stringify(e) + '\n');
emit({ type: 'stage', stage: 'install', index: 3, total: 5, state: 'start' });
// One event split across two writes: the launcher must join them.
const split = JSON.stringify({ type: 'log', stage: 'install', stream: 'stdout', text: 'split line' }) + '\n';
process.stdout.write(split.slice(0, 10));
setTimeout(() => {
  process.stdout.write(split.slice(10));
  process.stdout.write('not an event\n');
  process.stderr.write('a warning on stderr\n');
  if (!waitForEof) {
    emit({ type: 'result', ok: true, imgPath: '/tmp/x.tar', bytes: 3, ms: 5 });
    process.exit(0);
  }
  emit({ type: 'log', stage: 'install', stream: 'stdout', text: 'waiting' });
  process.stdin.resume();
  process.stdin.on('end', () => {
    emit({ type: 'result', ok: false, cancelled: true, ms: 6, kept: [] });
    process.exit(130);
  });
}, 50);
