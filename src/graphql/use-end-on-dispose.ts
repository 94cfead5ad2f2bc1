/**
 * Shutdown ends subscriptions cleanly. A stream left open when the process exits is cut mid-air,
 * and the client cannot tell a restart from a failure; ended here, SSE clients get their
 * `complete` event and the stream's end, WebSocket clients a `complete` message (src/server.ts).
 * `app.dispose()` (yoga's onDispose) is the signal.
 */
import { Repeater, type Plugin } from 'graphql-yoga';

export function useEndOnDispose(): Plugin {
  const disposed = new AbortController();
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(until(result, disposed.signal));
        },
      };
    },
    onDispose() {
      disposed.abort();
    },
  };
}

/** `source` until `signal` fires; either way the source is returned (its clean-up runs). */
function until<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  return new Repeater<T>(async (push, stop) => {
    const onAbort = () => stop();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', onAbort, { once: true });
    const iterator = source[Symbol.asyncIterator]();
    void (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) await push(next.value);
    })().then(() => stop(), (error: unknown) => stop(error));
    await stop;
    signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
  });
}
