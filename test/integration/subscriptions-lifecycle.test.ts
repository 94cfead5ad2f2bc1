/**
 * Subscriptions at their edges. A malformed operation on a WebSocket used to close the whole
 * socket (4500, with a stack on the server's console), dropping the client's other subscriptions;
 * it answers an `error` message for that operation id and the socket carries on. A shutdown used
 * to cut streams mid-air: now every subscription gets its `complete` (SSE: the event and the end
 * of the stream; WebSocket: the message, then close 1001) before the server stops.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { WebSocket } from 'ws';
import type { AlertPayload } from '../../src/modules/alerts/alerts.service';
import { startTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/users';

const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: 'lifecycle.admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'Zc6n-Qf2w-Ht8y-Km4s' };
const ALERTS = 'subscription { securityAlerts { id type } }';

interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws client: every message in order, and how the socket closed. */
async function rawSocket(url: string, connectionParams: Record<string, unknown> = {}) {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  let closedWith: { code: number; reason: string } | undefined;
  const notify = () => waiters.splice(0).forEach((w) => w());
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Message);
    notify();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      closedWith = { code, reason: String(reason) };
      notify();
      resolve(closedWith);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  /** Waits for the first message from `from` on that matches. */
  const waitFor = async (match: (m: Message) => boolean, from = 0): Promise<Message> => {
    for (;;) {
      const found = messages.slice(from).find(match);
      if (found) return found;
      if (closedWith) throw new Error(`socket closed (${closedWith.code} ${closedWith.reason}) while waiting; got ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const send = (m: Message) => socket.send(JSON.stringify(m));
  send({ type: 'connection_init', payload: connectionParams });
  await waitFor((m) => m.type === 'connection_ack');
  return { socket, messages, send, waitFor, closed, isOpen: () => socket.readyState === WebSocket.OPEN };
}

const alert = (): AlertPayload => ({
  id: randomUUID(),
  type: 'FAILED_LOGIN_BURST',
  severity: 'HIGH',
  userId: null,
  ipAddress: null,
  message: 'a test alert',
  occurredAt: new Date().toISOString(),
  details: {},
});

/** Publishes alerts until `received` resolves: proves a subscription is live, without guessing a delay. */
async function publishUntil(a: TestApp, received: Promise<unknown>): Promise<void> {
  let done = false;
  void received.then(() => (done = true));
  while (!done) {
    a.deps.pubsub.publish('alerts', alert());
    await Promise.race([received, new Promise((r) => setTimeout(r, 50))]);
  }
}

describe('a bad operation on a WebSocket answers an error for that id and keeps the socket', () => {
  let app: TestApp;
  let consoleError: MockInstance;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    consoleError = vi.spyOn(console, 'error');
  });
  afterEach(() => consoleError.mockRestore());

  it.each([
    ['a syntax error', { query: 'subscription { securityAlerts { id ' }, /Syntax Error/],
    ['an unknown field', { query: '{ me { noSuchField } }' }, /noSuchField/],
    ['an unknown operation name', { query: 'query A { me { id } }', operationName: 'B' }, /operation/i],
    ['too many tokens', { query: `{ me { ${'id '.repeat(1200)} } }` }, /.+/],
  ])('%s', async (_name, payload, message) => {
    const ws = await rawSocket(app.url);
    try {
      ws.send({ id: 'bad', type: 'subscribe', payload });
      const error = await ws.waitFor((m) => m.id === 'bad');
      expect(error.type).toBe('error');
      const errors = error.payload as { message: string; extensions?: Record<string, unknown> }[];
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]!.message).toMatch(message);
      expect(JSON.stringify(errors)).not.toMatch(/stacktrace|\n\s+at /);

      // The same socket still runs the next operation.
      const from = ws.messages.length;
      ws.send({ id: 'good', type: 'subscribe', payload: { query: '{ me { id } }' } });
      expect(await ws.waitFor((m) => m.id === 'good', from)).toEqual({ id: 'good', type: 'next', payload: { data: { me: null } } });
      expect(await ws.waitFor((m) => m.id === 'good' && m.type !== 'next', from)).toEqual({ id: 'good', type: 'complete' });
      expect(ws.isOpen()).toBe(true);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      ws.socket.close();
    }
  });
});

describe('a message that breaks the protocol itself', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  // graphql-transport-ws requires closing with 4400 on a message it cannot read (here a subscribe
  // without a query): there may be no usable id to answer. No stack on the server's console.
  it('a subscribe without a query closes with 4400 "Invalid message received", quietly', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      const ws = await rawSocket(app.url);
      ws.send({ id: 'x', type: 'subscribe', payload: {} });
      expect((await ws.closed).code).toBe(4400);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('shutdown completes every subscription before the server stops', () => {
  it('SSE: the stream ends with a complete event; WebSocket: a complete message, then close 1001', async () => {
    const dying = await startTestApp(ADMIN);
    let closed = false;
    try {
      const { accessToken } = await signIn(dying, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD);

      const res = await fetch(new URL('/graphql', dying.url), {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ query: ALERTS }),
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let sseText = '';
      const sseEvents = () => [...sseText.matchAll(/^event: ?(\w+)$/gm)].map((m) => m[1]);
      let sseEnded = false;
      const sseDone = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          sseText += decoder.decode(value, { stream: true });
        }
        sseEnded = true;
      })();
      const sseFirst = (async () => {
        while (!sseEvents().includes('next')) await new Promise((r) => setTimeout(r, 10));
      })();
      await publishUntil(dying, sseFirst);

      const ws = await rawSocket(dying.url, { authorization: `Bearer ${accessToken}` });
      ws.send({ id: 'a1', type: 'subscribe', payload: { query: ALERTS } });
      ws.send({ id: 'a2', type: 'subscribe', payload: { query: ALERTS } });
      await publishUntil(dying, Promise.all([ws.waitFor((m) => m.id === 'a1' && m.type === 'next'), ws.waitFor((m) => m.id === 'a2' && m.type === 'next')]));

      await dying.close();
      closed = true;

      // WebSocket: one complete per subscription, nothing after it, then 1001.
      expect(await ws.closed).toEqual({ code: 1001, reason: 'Going away' });
      const afterNext = ws.messages.filter((m) => m.type !== 'next');
      expect(afterNext.filter((m) => m.type !== 'connection_ack').sort((x, y) => x.id!.localeCompare(y.id!))).toEqual([
        { id: 'a1', type: 'complete' },
        { id: 'a2', type: 'complete' },
      ]);
      expect(ws.messages.at(-1)?.type).toBe('complete');

      // SSE: the stream ended (no reset) and its last event is complete.
      await sseDone;
      expect(sseEnded).toBe(true);
      expect(sseEvents().at(-1)).toBe('complete');
    } finally {
      if (!closed) await dying.close();
    }
  }, 30_000);
});
