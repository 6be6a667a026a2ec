/** postJson against a real local receiver: one that answers with an error, and one that never answers. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifyFailed, postJson } from './notifier.js';

describe('postJson', () => {
  let server: Server;
  let url = '';
  const held: (() => void)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') {
        held.push(() => res.end()); // answers only when the test ends
        return;
      }
      res.writeHead(503).end('busy');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const release of held) release();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with the receiver’s status and text', async () => {
    await expect(postJson(`${url}/fail`, '{}', {})).rejects.toThrow(new NotifyFailed(`${url}/fail answered 503: busy`));
  });

  it('gives up on a receiver that never answers, also when the caller passes its own signal', async () => {
    await expect(postJson(`${url}/hang`, '{}', {}, undefined, 200)).rejects.toMatchObject({ name: 'TimeoutError' });
    const shutdown = new AbortController(); // never aborted
    await expect(postJson(`${url}/hang`, '{}', {}, shutdown.signal, 200)).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('stops when the caller aborts first', async () => {
    const shutdown = new AbortController();
    const sent = postJson(`${url}/hang`, '{}', {}, shutdown.signal, 60_000);
    shutdown.abort();
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
  });
});
