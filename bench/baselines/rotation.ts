/**
 * Baseline (c) of rotateRefresh: the bare rotation transaction with the `postgres` driver over
 * plain node:http, on our own tables (sessions, refresh_tokens) in the bench's database:
 *
 *   BEGIN; UPDATE refresh_tokens … RETURNING session_id; UPDATE sessions …; INSERT successor; COMMIT
 *
 * It answers the load generator's request with the shape of ours
 * (`{"data":{"rotateRefresh":{"__typename":"AuthPayload","refreshToken":…}}}`), so the client
 * side is the same; no GraphQL, no access token, no rate limit, no reuse detection.
 *
 * Environment: PORT, DATABASE_URL, USER_ID (the owner of its sessions). GET /pool?n=<count> makes
 * that many fresh sessions and answers their refresh tokens; GET /healthz answers 200.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const userId = process.env.USER_ID!;
const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

async function rotate(token: string): Promise<string | null> {
  const successor = newToken();
  const successorId = randomUUID();
  return sql.begin(async (tx) => {
    const [spent] = await tx<{ session_id: string }[]>`
      update refresh_tokens set spent_at = now(), replaced_by_id = ${successorId}
      where token_hash = ${hash(token)} and spent_at is null and expires_at > now()
      returning session_id`;
    if (!spent) return null;
    await tx`update sessions set last_active_at = now(), idle_expires_at = now() + interval '30 days' where id = ${spent.session_id} and revoked_at is null`;
    await tx`insert into refresh_tokens (id, session_id, token_hash, created_at, expires_at)
      values (${successorId}, ${spent.session_id}, ${hash(successor)}, now(), now() + interval '30 days')`;
    return successor;
  });
}

async function pool(n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const token = newToken();
    const sessionId = randomUUID();
    await sql.begin(async (tx) => {
      await tx`insert into sessions (id, user_id, created_at, last_active_at, idle_expires_at, expires_at, authenticated_at, amr)
        values (${sessionId}, ${userId}, now(), now(), now() + interval '30 days', now() + interval '90 days', now(), ${['pwd']})`;
      await tx`insert into refresh_tokens (id, session_id, token_hash, created_at, expires_at)
        values (${randomUUID()}, ${sessionId}, ${hash(token)}, now(), now() + interval '30 days')`;
    });
    tokens.push(token);
  }
  return tokens;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return json(res, 200, 'ok');
  if (url.pathname === '/pool') return json(res, 200, await pool(Math.min(Number(url.searchParams.get('n')), 1000)));
  const body = JSON.parse(await readBody(req)) as { variables?: { input?: { refreshToken?: string } } };
  const successor = await rotate(String(body.variables?.input?.refreshToken));
  json(res, 200, {
    data: { rotateRefresh: successor ? { __typename: 'AuthPayload', refreshToken: successor } : { __typename: 'InvalidRefreshTokenError' } },
  });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void sql.end().then(() => process.exit(0))));
