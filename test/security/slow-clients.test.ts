/**
 * Threat: slow-request denial of service (Slowloris, slow POST). A client that trickles its headers
 * or its body a byte at a time held a connection, a request slot and its buffers for Node's default
 * of 300 s; a few hundred such clients starve everyone else. The headers must arrive within
 * HTTP_HEADERS_TIMEOUT and the whole request within HTTP_REQUEST_TIMEOUT, or the server answers
 * 408 and closes the connection. (Short limits here; the defaults are 10 s and 30 s.)
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { Me } from '../support/operations';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ HTTP_REQUEST_TIMEOUT: '1s', HTTP_HEADERS_TIMEOUT: '1s' });
});
afterAll(() => app?.close());

/**
 * Sends `head` and then one byte of `drip` every 50 ms until the server closes the connection.
 * Resolves with what the server said and how many drip bytes it had been sent.
 */
function trickle(head: string, drip: string): Promise<{ answer: string; dripped: number; complete: boolean }> {
  const { port } = new URL(app.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let dripped = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => {}); // a write racing the server's close: the close is what we wait for
    socket.once('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (dripped >= drip.length) return;
        if (!socket.destroyed && socket.writable) socket.write(drip[dripped++]!);
      }, 50);
    });
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ answer, dripped, complete: dripped >= drip.length });
    });
  });
}

describe('slow clients are cut off', () => {
  it('a body trickled a byte at a time: 408 and the connection closed long before the body is complete', async () => {
    const body = JSON.stringify({ query: Me.toString(), padding: 'x'.repeat(4000) });
    const head = `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const { answer, complete } = await trickle(head, body);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(complete).toBe(false);
  }, 30_000);

  it('headers trickled one byte at a time never reach the application: 408 and closed', async () => {
    const head = 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    const endless = Array.from({ length: 500 }, (_, i) => `X-Slow-${i}: y\r\n`).join('');
    const { answer, complete } = await trickle(head, endless);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(complete).toBe(false);
  }, 30_000);

  it('an ordinary request on the same server is answered', async () => {
    const res = await app.gql(Me, undefined);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ me: null });
  });
});
