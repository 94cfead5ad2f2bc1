/**
 * better-auth (bench/peer/) beside our server: its own database on the same PostgreSQL, argon2id
 * at our parameters through @node-rs/argon2, its rows as variants to alternate with ours.
 * Sign-in round-robins over 16 users; the session check and list use one more user with one
 * session, as ours do.
 */
import type { LoadProcess } from './load-process';
import type { HttpRequest, LoadTask } from './load';
import { onCleanup } from './cleanup';
import { peerRequests, seedUsers, startBetterAuth } from './peer/better-auth';
import { loadVariant, rawHashVariant, type Variant } from './rounds';
import { ARGON2, CONNECTIONS, freePort, settings } from './settings';

export interface Peer {
  pid: number;
  peakRssMiB(): number;
  stop(): Promise<void>;
  signIn: Variant;
  getSession: Variant;
  listSessions: Variant;
  rawHash: Variant;
}

export async function startPeer(load: LoadProcess, peakRssMiB: (pid: number) => number): Promise<Peer> {
  const argon2 = { memoryCost: ARGON2.memoryCost, timeCost: ARGON2.timeCost, parallelism: ARGON2.parallelism };
  const peer = await startBetterAuth({ adminDatabaseUrl: settings.pgAdminUrl, port: await freePort(), argon2 });
  onCleanup('stop better-auth', peer.stop);
  const [viewer, ...signers] = await seedUsers(peer.url, 17);
  const http = (mustHave: string, reqs: HttpRequest[]) => (): LoadTask => ({ kind: 'http', requests: reqs, mustHave });
  return {
    pid: peer.pid,
    peakRssMiB: () => peakRssMiB(peer.pid),
    stop: peer.stop,
    signIn: loadVariant('better-auth sign-in', load, peer.url, CONNECTIONS.login, http('token', signers.map(peerRequests.signIn)), { settleMs: 500 }),
    getSession: loadVariant('better-auth get-session', load, peer.url, CONNECTIONS.me, http('session.id', [peerRequests.getSession(viewer!.cookie)])),
    listSessions: loadVariant('better-auth list-sessions', load, peer.url, CONNECTIONS.sessions, http('0.id', [peerRequests.listSessions(viewer!.cookie)])),
    rawHash: rawHashVariant('raw @node-rs/argon2 verify', { impl: 'node-rs', ...argon2, concurrency: ARGON2.concurrency }),
  };
}
