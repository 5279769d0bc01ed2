/**
 * Handlers registered before the grammar is loaded wait for it, in order of
 * arrival, and run at once afterwards (pure logic; the protocol side is in
 * protocol.test.ts).
 */
import assert from 'node:assert/strict';
import { afterReady } from '../src/after-ready';

/** A stand-in for the LSP connection: registration methods keep the handler; `fire` plays an incoming message. */
function fakeConnection() {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const register = (name: string) => (handler: (...args: unknown[]) => unknown) => void handlers.set(name, handler);
  return {
    onDidOpenTextDocument: register('didOpen'),
    onRequest: (method: string, handler: (...args: unknown[]) => unknown) => void handlers.set(method, handler),
    languages: { semanticTokens: { on: register('tokens') } },
    console: { log: (message: string) => message.toUpperCase() },
    fire: (name: string, ...args: unknown[]) => handlers.get(name)?.(...args),
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('handlers after the grammar is loaded', () => {
  it('queues messages that arrive before, in order, and handles later ones at once', async () => {
    const connection = fakeConnection();
    const ready = deferred();
    const gated = afterReady(connection, ready.promise);
    const log: string[] = [];
    gated.onDidOpenTextDocument((p: unknown) => log.push(`open ${String(p)}`));
    gated.onRequest('custom/status', (p: unknown) => `status ${String(p)}`);
    gated.languages.semanticTokens.on((p: unknown) => `tokens ${String(p)}`);

    connection.fire('didOpen', 1);
    const status = connection.fire('custom/status', 'a') as Promise<string>;
    connection.fire('didOpen', 2);
    const tokens = connection.fire('tokens', 'b') as Promise<string>;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, [], 'nothing runs before the grammar is loaded');

    ready.resolve();
    assert.equal(await status, 'status a');
    assert.equal(await tokens, 'tokens b');
    assert.deepEqual(log, ['open 1', 'open 2']);
    // Afterwards a handler runs synchronously, as if there were no gate.
    connection.fire('didOpen', 3);
    assert.deepEqual(log, ['open 1', 'open 2', 'open 3']);
    assert.equal(connection.fire('custom/status', 'c'), 'status c');
  });

  it('leaves other members alone (console, sending)', () => {
    const gated = afterReady(fakeConnection(), new Promise(() => undefined));
    assert.equal(gated.console.log('x'), 'X');
  });

  it('a request waiting when the grammar fails to load is answered with the error', async () => {
    const connection = fakeConnection();
    const ready = deferred();
    afterReady(connection, ready.promise).onRequest('custom/status', () => 'never');
    const waiting = connection.fire('custom/status') as Promise<string>;
    ready.reject(new Error('no wasm'));
    await assert.rejects(waiting, /no wasm/);
  });
});
