// Threat: server-side request forgery through webhooks. An admin session (perhaps a stolen one)
// registers a receiver at the server's loopback, the cloud metadata address or the private
// network, in any of the encodings a URL allows, or at a host name that resolves there; delivery
// then POSTs into the internal network, follows a redirect there, or reports socket errors that
// tell open ports from closed ones. Non-public destinations are refused at creation and again at
// delivery (the host resolved on the connection itself), redirects are not followed, and the
// delivery log says only a short reason of our own.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql';
import { securityAlerts } from '../../src/modules/alerts/alerts.table';
import { checkedLookup, DestinationRefusedError, isPublicAddress } from '../../src/modules/webhooks/destination';
import { createWebhookService, type WebhookService } from '../../src/modules/webhooks/webhooks.service';
import { webhooks } from '../../src/modules/webhooks/webhooks.table';
import { startTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/users';

const SsrfWebhookCreate = graphql(`
  mutation SsrfWebhookCreate($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on CreateWebhookPayload { webhook { id url } }
      ... on Error { code message }
    }
  }
`);

const ADMIN_EMAIL = 'ssrf.admin@example.com';
const ADMIN_PASSWORD = 'Qz4v-Lm8p-Xw2r-Hn6t';

let app: TestApp;
beforeAll(async () => {
  // No WEBHOOK_ALLOW_PRIVATE: the default of every deployment.
  app = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
});
afterAll(() => app.close());

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** A webhook service on the app's database with the development setting, as a developer would run it. */
function serviceAllowingPrivate(): WebhookService {
  return createWebhookService({
    db: app.deps.database.db,
    clock: app.clock,
    sealer: app.deps.sealer,
    logger: app.deps.logger,
    settings: { allowPrivate: true, maxAttempts: 8, timeoutMs: 5_000 },
  });
}

/** A loopback HTTP server that answers every request with `status` (and `headers`), counting hits. */
async function startServer(status: number, headers: Record<string, string> = {}) {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(status, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { port, hits: () => hits, close };
}

let alertNo = 0;
async function raiseAlert() {
  const message = `ssrf test alert ${++alertNo}`;
  await app.services.alerts.raise({ type: 'MFA_DISABLED', severity: 'MEDIUM', userId: null, ipAddress: '203.0.113.7', message, details: {} });
  const [row] = await app.deps.database.db.select().from(securityAlerts).where(eq(securityAlerts.message, message));
  return row!;
}

/** Registers `url` bypassing the creation check (as if DNS changed after creation), removed after the test. */
async function registerPrivate(url: string) {
  const { webhook } = await serviceAllowingPrivate().create({ url });
  cleanups.push(() => app.services.webhooks.remove(webhook.id));
  return webhook;
}

const deliveriesOf = (webhookId: string) => app.services.webhooks.deliveries({ webhookId, first: 10 });

describe('createWebhook refuses non-public destinations in every encoding', () => {
  const refused = [
    'https://127.0.0.1/hook',
    'https://127.1/hook', // shorthand IPv4
    'https://0x7f000001/hook', // hexadecimal
    'https://2130706433/hook', // one decimal number
    'https://0177.0.0.1/hook', // octal
    'https://[::ffff:127.0.0.1]/hook', // IPv4-mapped IPv6
    'https://[::1]/hook',
    'https://169.254.169.254/latest/meta-data/', // cloud metadata (link-local)
    'https://10.0.0.5:22/',
    'https://172.16.0.1/',
    'https://192.168.1.1/',
    'https://100.64.0.1/', // carrier-grade NAT
    'https://0.0.0.0/',
    'https://[fe80::1]/',
    'https://[fd00::1]/', // unique local
    'https://[64:ff9b::7f00:1]/', // NAT64 of 127.0.0.1
    'https://localhost/hook',
    'https://localhost./hook',
    'https://api.localhost/hook',
    'http://127.0.0.1:8080/hook',
  ];

  it.each(refused)('%s is INVALID_WEBHOOK_URL and nothing is stored', async (url) => {
    const token = (await signIn(app, ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    const res = await app.gql(SsrfWebhookCreate, { input: { url } }, { token });
    expect(res.data.createWebhook).toMatchObject({ __typename: 'InvalidWebhookUrlError', code: 'INVALID_WEBHOOK_URL' });
    expect(await app.deps.database.db.select().from(webhooks)).toEqual([]);
  });

  it('still accepts a public https destination', async () => {
    const token = (await signIn(app, ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    const res = await app.gql(SsrfWebhookCreate, { input: { url: 'https://93.184.215.14/hook' } }, { token });
    const created = res.data.createWebhook;
    expect(created.__typename).toBe('CreateWebhookPayload');
    if (created.__typename === 'CreateWebhookPayload') cleanups.push(() => app.services.webhooks.remove(created.webhook.id));
  });

  it('classifies addresses: only public unicast passes, IPv4-mapped IPv6 judged as its IPv4', () => {
    expect(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14'].map(isPublicAddress)).toEqual([true, true, true]);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '169.254.169.254', '10.1.2.3', '::1', '::', 'fc00::1', '224.0.0.1', 'not an ip'].map(isPublicAddress)).toEqual(
      Array(10).fill(false),
    );
  });
});

describe('delivery resolves the host and refuses non-public addresses', () => {
  it('a host name that resolves to 127.0.0.1 (localhost) is refused at delivery: the receiver never sees a request', async () => {
    const receiver = await startServer(200);
    const hook = await registerPrivate(`http://localhost:${receiver.port}/hook`);
    await raiseAlert();
    expect(await app.services.webhooks.deliverDue()).toEqual({ attempted: 1, delivered: 0, failed: 1 });
    expect(receiver.hits()).toBe(0);
    const [d] = await deliveriesOf(hook.id);
    expect(d).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: 'Refused: the destination is not a public address.' });
  });

  it('an address literal stored before the rules tightened is refused at delivery too', async () => {
    const receiver = await startServer(200);
    const hook = await registerPrivate(`http://127.0.0.1:${receiver.port}/hook`);
    await raiseAlert();
    await app.services.webhooks.deliverDue();
    expect(receiver.hits()).toBe(0);
    expect((await deliveriesOf(hook.id))[0]).toMatchObject({ lastStatusCode: null, lastError: 'Refused: the destination is not a public address.' });
  });

  it('the resolver the connection uses refuses a name with any non-public address', async () => {
    const error = await new Promise<Error | null>((resolve) => checkedLookup(false)('localhost', { all: true }, (e) => resolve(e)));
    expect(error).toBeInstanceOf(DestinationRefusedError);
    const allowed = await new Promise<unknown>((resolve) => checkedLookup(true)('localhost', { all: true }, (e, addresses) => resolve(e ?? addresses)));
    expect(allowed).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });
});

describe('redirects and error text', () => {
  it('a receiver answering 302 is a failed delivery, and the redirect target is never requested', async () => {
    const target = await startServer(200);
    const redirector = await startServer(302, { location: `http://127.0.0.1:${target.port}/internal` });
    const hook = await registerPrivate(`http://127.0.0.1:${redirector.port}/hook`);
    await raiseAlert();
    expect(await serviceAllowingPrivate().deliverDue()).toEqual({ attempted: 1, delivered: 0, failed: 1 });
    expect(redirector.hits()).toBe(1);
    expect(target.hits()).toBe(0);
    expect((await deliveriesOf(hook.id))[0]).toMatchObject({ status: 'PENDING', lastStatusCode: 302, lastError: 'HTTP 302 (redirects are not followed).' });
  });

  it('a closed port reads "Connection failed." with no socket error code, address or port', async () => {
    const closed = await startServer(200);
    await closed.close();
    const hook = await registerPrivate(`http://127.0.0.1:${closed.port}/hook`);
    await raiseAlert();
    await serviceAllowingPrivate().deliverDue();
    const [d] = await deliveriesOf(hook.id);
    expect(d!.lastError).toBe('Connection failed.');
    expect(d!.attemptLog.map((a) => a.error)).toEqual(['Connection failed.']);
  });
});
