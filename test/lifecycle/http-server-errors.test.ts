import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { closeGracefully, createHttpServer, listen } from '../../src/lifecycle/http-server.js';

describe('a listening HTTP server that emits an error', () => {
  it('hands it to onError and keeps serving instead of ending the process', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    const errors: Error[] = [];
    await listen(server, 0, '127.0.0.1', (error) => errors.push(error));
    try {
      // What Node emits when accept() fails, e.g. with EMFILE under a file-descriptor shortage.
      server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
      assert.deepEqual(
        errors.map((error) => error.message),
        ['accept EMFILE'],
      );
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(await response.text(), 'ok');
    } finally {
      await closeGracefully(server);
    }
  });
});
