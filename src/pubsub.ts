/**
 * Typed pub/sub for subscriptions. With Redis, events cross instances (a dedicated subscriber
 * connection, channels prefixed like keys); without it, an in-process event target.
 */
import { createPubSub } from 'graphql-yoga';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { AlertPayload } from './modules/alerts/alerts.service';

export type Topics = {
  alerts: [AlertPayload];
  /** A session ended: its subscriptions must end too. */
  sessionRevoked: [string];
  /** A user's roles changed (user id; the roles are read from the kv): subscriptions re-check their scopes. */
  rolesChanged: [string];
  /** An API key was rotated or revoked: every instance drops its cached row. */
  apiKeyChanged: [string];
  /** Something the checks of a user's keys read changed (MFA turned off): drop their cached rows. */
  apiKeyOwnerChanged: [string];
};

/**
 * The event target fires (un)subscribe commands without awaiting them; one still in flight when
 * the connection closes at shutdown would be an unhandled rejection. Those are harmless then.
 */
function quietSubscriber(client: Redis): Redis {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if ((prop === 'subscribe' || prop === 'unsubscribe') && typeof value === 'function') {
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          (result as Promise<unknown> | undefined)?.catch?.(() => {});
          return result;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function createPubsub(opts: { redis?: { publish: Redis; subscribe: Redis }; prefix: string }) {
  const eventTarget = opts.redis
    ? createRedisEventTarget<CustomEvent>({ publishClient: opts.redis.publish, subscribeClient: quietSubscriber(opts.redis.subscribe) })
    : undefined;
  const pubsub = createPubSub<{ [K in keyof Topics as `${string}`]: Topics[keyof Topics] }>(eventTarget ? { eventTarget: eventTarget as never } : {});
  // ioredis' keyPrefix does not apply to channels: prefix topics ourselves.
  const topic = (name: keyof Topics) => `${opts.prefix}${name}`;
  return {
    publish<K extends keyof Topics>(name: K, ...args: Topics[K]) {
      pubsub.publish(topic(name), ...(args as [never]));
    },
    subscribe<K extends keyof Topics>(name: K): AsyncIterable<Topics[K][0]> {
      return pubsub.subscribe(topic(name)) as AsyncIterable<Topics[K][0]>;
    },
    /**
     * Calls `onEvent` for each event of `name` until `stop()`: for a process's own listeners (cache
     * eviction, ending subscriptions), as opposed to a client's subscription. `onError`: the stream broke.
     */
    listen<K extends keyof Topics>(name: K, onEvent: (value: Topics[K][0]) => void, onError: (error: unknown) => void = () => {}): { stop(): Promise<void> } {
      const events = (pubsub.subscribe(topic(name)) as AsyncIterable<Topics[K][0]>)[Symbol.asyncIterator]();
      void (async () => {
        for (let next = await events.next(); !next.done; next = await events.next()) onEvent(next.value);
      })().catch(onError);
      return {
        async stop() {
          await events.return?.();
        },
      };
    },
  };
}
export type Pubsub = ReturnType<typeof createPubsub>;
