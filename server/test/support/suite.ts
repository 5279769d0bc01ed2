/**
 * One language server per describe(): started before its first test (with
 * an optional document open), stopped after its last.
 *
 *   const session = serverForSuite({ settings: {...} }, { uri, text });
 *   it('...', async () => session.client.open(...));
 */
import { LspTestClient, type StartOptions } from './lsp-client';

export interface SuiteSession {
  /** The running client; set once the suite's `before` hook has run. */
  readonly client: LspTestClient;
}

export function serverForSuite(options: StartOptions = {}, open?: { uri: string; text: string }): SuiteSession {
  let running: LspTestClient | undefined;
  before(async () => {
    running = await LspTestClient.start(options);
    if (open) running.open(open.uri, open.text);
  });
  after(async () => {
    await running?.stop();
  });
  return {
    get client(): LspTestClient {
      if (!running) throw new Error('the server runs only while its suite runs');
      return running;
    },
  };
}
