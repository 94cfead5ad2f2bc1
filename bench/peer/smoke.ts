/**
 * End-to-end check of the peer: starts better-auth, seeds users, checks the three requests answer
 * 200 with the expected JSON, runs autocannon on each for a few seconds (figures only show that it
 * works; the comparison is `npm run bench`), stops it and checks its database is gone; then the
 * raw verify rate of both argon2 packages.
 *
 *   npx tsx bench/peer/smoke.ts   (PEER_PORT, default 4150; PEER_SMOKE_SECONDS, default 3)
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { peerRequests, seedUsers, startBetterAuth, type PeerRequest } from './better-auth';
import { measureRawHash } from './raw-hash';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = Number(process.env.PEER_PORT ?? 4150);
const SECONDS = Number(process.env.PEER_SMOKE_SECONDS ?? 3);
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`smoke: ${what}`);
}

async function send(url: string, req: PeerRequest): Promise<{ status: number; json: any }> {
  const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.body ?? null });
  return { status: res.status, json: await res.json() };
}

async function load(url: string, connections: number, requests: PeerRequest[]): Promise<string> {
  const result = await autocannon({ url, connections, duration: SECONDS, requests });
  const bad = result.non2xx + result.errors + result.timeouts;
  return `${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx/errors ${bad}`;
}

async function databases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'peer_bench_%'");
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

const before = await databases();
const peer = await startBetterAuth({ adminDatabaseUrl: ADMIN_URL, port: PORT, argon2: ARGON2 });
console.log(`started ${peer.url} (pid ${peer.pid})`);
try {
  const users = await seedUsers(peer.url, 8);
  const user = users[0]!;
  console.log(`seeded ${users.length} users`);

  const signIn = await send(peer.url, peerRequests.signIn(user));
  check(signIn.status === 200 && signIn.json.user?.email === user.email && signIn.json.token, `sign-in: ${JSON.stringify(signIn)}`);
  const session = await send(peer.url, peerRequests.getSession(user.cookie));
  check(session.status === 200 && session.json.user?.email === user.email && session.json.session?.userId, `get-session: ${JSON.stringify(session)}`);
  const list = await send(peer.url, peerRequests.listSessions(user.cookie));
  check(list.status === 200 && Array.isArray(list.json) && list.json.length === 2, `list-sessions: ${JSON.stringify(list)}`);
  console.log(`sign-in, get-session, list-sessions: 200 with the expected JSON (${list.json.length} sessions listed)`);

  console.log(`sign-in       (8 conns):  ${await load(peer.url, 8, users.map(peerRequests.signIn))}`);
  console.log(`get-session   (16 conns): ${await load(peer.url, 16, users.map((u) => peerRequests.getSession(u.cookie)))}`);
  console.log(`list-sessions (16 conns): ${await load(peer.url, 16, users.map((u) => peerRequests.listSessions(u.cookie)))}`);
} finally {
  await peer.stop();
}
const leftover = (await databases()).filter((name) => !before.includes(name));
check(leftover.length === 0, `databases left behind: ${leftover.join(', ')}`);
console.log('stopped; its database is gone');

for (const impl of ['node-rs', 'argon2'] as const) {
  const raw = await measureRawHash({ impl, ...ARGON2, concurrency: 2, seconds: SECONDS });
  console.log(`raw verify ${impl.padEnd(7)} (concurrency 2): ${raw.perSecond.toFixed(1)}/s (${raw.samples} samples)`);
}
