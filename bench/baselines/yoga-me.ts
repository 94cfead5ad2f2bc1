/**
 * Baselines (a) and (b) of `me { id email }`: a bare graphql-yoga server on node:http with the
 * same one-field schema and none of our plugins, so the ratio to it is what our pipeline costs.
 *
 *   BASELINE=constant   the resolver returns a constant user
 *   BASELINE=redis-pg   the resolver does one Redis GET (a revocation-style marker, absent) and one
 *                       prepared SELECT of a real users row by id with the `postgres` driver
 *
 * Environment: PORT, BASELINE, and for redis-pg DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, USER_ID.
 * GET /healthz answers 200 once listening; SIGTERM closes everything and exits.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { Redis } from 'ioredis';
import postgres from 'postgres';

interface User {
  id: string;
  email: string;
}

const mode = process.env.BASELINE;
const typeDefs = 'type User { id: ID! email: String! } type Query { me: User }';

function constantMe(): () => User {
  const user = { id: '00000000-0000-4000-8000-000000000000', email: 'baseline@example.com' };
  return () => user;
}

function redisPgMe(): { me: () => Promise<User | null>; close: () => Promise<void> } {
  const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
  const redis = new Redis(process.env.REDIS_URL!, { keyPrefix: process.env.REDIS_KEY_PREFIX });
  const userId = process.env.USER_ID!;
  return {
    me: async () => {
      await redis.get(`baseline:revoked:${userId}`);
      const [user] = await sql<User[]>`select id, email from users where id = ${userId}`;
      return user ?? null;
    },
    close: async () => {
      redis.disconnect();
      await sql.end();
    },
  };
}

const backend = mode === 'redis-pg' ? redisPgMe() : mode === 'constant' ? { me: constantMe(), close: async () => {} } : undefined;
if (!backend) throw new Error(`BASELINE: expected constant or redis-pg, got ${mode}`);

const yoga = createYoga({ schema: createSchema({ typeDefs, resolvers: { Query: { me: backend.me } } }) });
const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  void yoga(req, res);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void backend.close().then(() => process.exit(0))));
