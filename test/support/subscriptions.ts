// Minimal SSE and graphql-transport-ws clients for subscription tests.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { AlertPayload } from '../../src/modules/alerts/alerts.service';

export interface Stream<T> {
  /** The next message, or the reason the stream ended. */
  next(): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] } | 'complete'>;
  close(): void;
}

function queue<T>() {
  const items: T[] = [];
  const waiters: ((v: T) => void)[] = [];
  return {
    push(v: T) {
      const w = waiters.shift();
      if (w) w(v);
      else items.push(v);
    },
    take(timeoutMs = 10_000): Promise<T> {
      const item = items.shift();
      if (item !== undefined) return Promise.resolve(item);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within the time limit')), timeoutMs);
        waiters.push((v) => {
          clearTimeout(timer);
          resolve(v);
        });
      });
    },
  };
}

export function sse<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Stream<T> {
  const q = queue<Awaited<ReturnType<Stream<T>['next']>>>();
  const abort = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        signal: abort.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      if (!res.headers.get('content-type')?.includes('text/event-stream')) {
        q.push((await res.json()) as never);
        q.push('complete');
        return;
      }
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'complete') q.push('complete');
          else if (data) q.push(JSON.parse(data));
        }
      }
      q.push('complete');
    } catch {
      q.push('complete');
    }
  })();
  return { next: () => q.take(), close: () => abort.abort() };
}

export function ws<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Stream<T> {
  const q = queue<Awaited<ReturnType<Stream<T>['next']>>>();
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
  });
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (v) => q.push(v as never),
      error: (e) => q.push({ errors: Array.isArray(e) ? e : [{ message: String((e as Error)?.message ?? e) }] } as never),
      complete: () => q.push('complete'),
    },
  );
  return {
    next: () => q.take(),
    close: () => {
      unsubscribe();
      void client.dispose();
    },
  };
}

export type Message<T> = Awaited<ReturnType<Stream<T>['next']>>;

/**
 * The first message of `stream`, calling `probe` (which publishes a marker message on the
 * stream's topic) every few milliseconds until something arrives, a bounded number of times: a
 * live subscription yields a probe, a refused one its error. No sleeping and hoping.
 */
export async function firstMessage<T>(stream: Stream<T>, probe: () => void, opts = { attempts: 400, everyMs: 25 }): Promise<Message<T>> {
  let arrived = false;
  const first = stream.next().finally(() => (arrived = true));
  for (let i = 0; i < opts.attempts && !arrived; i++) {
    probe();
    await Promise.race([first, new Promise((r) => setTimeout(r, opts.everyMs))]);
  }
  return first;
}

/**
 * Resolves once `stream` is live on the server (its first message is a probe, see firstMessage).
 * Returns the stream with probes skipped, so what it yields next is exactly what the server sent
 * after it was subscribed.
 */
export async function whenSubscribed<T>(stream: Stream<T>, probe: () => void, isProbe: (m: Message<T>) => boolean): Promise<Stream<T>> {
  const m = await firstMessage(stream, probe);
  if (!isProbe(m)) throw new Error(`expected a probe first, got ${JSON.stringify(m)}`);
  return {
    async next() {
      for (;;) {
        const next = await stream.next();
        if (!isProbe(next)) return next;
      }
    },
    close: () => stream.close(),
  };
}

/** A marker alert for firstMessage / whenSubscribed: published straight to the topic, stored nowhere. */
export function alertProbe(
  pubsub: { publish(topic: 'alerts', alert: AlertPayload): void },
  type: AlertPayload['type'] = 'MFA_DISABLED',
  severity: AlertPayload['severity'] = 'LOW',
) {
  let n = 0;
  return {
    probe: () =>
      pubsub.publish('alerts', { id: `probe-${++n}`, type, severity, userId: null, ipAddress: null, message: 'probe', occurredAt: new Date(0).toISOString(), details: {} }),
    isProbe: (m: Message<{ securityAlerts: { id: string } }>) => m !== 'complete' && !!m.data?.securityAlerts.id.startsWith('probe-'),
  };
}
