import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import type { Kv } from '../../kv/kv';
import { NotFoundError } from '../../lib/errors';
import { isUuid } from '../../lib/ids';
import { liveRolesKey, ROLES } from '../authz/scopes';
import type { AuditEvent, AuditMeta, AuditService } from '../audit/audit.service';
import type { Clock } from '../../lib/clock';
import type { Marker, RevocationService } from '../revocation/revocation.service';
import { BadInputError } from '../../lib/bad-input';
import type { PasswordHistory } from '../auth/password-history.service';
import type { PasswordPolicy } from '../auth/password-policy';
import type { PasswordHasher } from '../auth/password';
import { emailProblem, normalizeEmail } from './email';
import { EmailTakenError } from './users.errors';
import { users, type UserRow } from './users.table';
import { mfaTotp } from '../mfa/mfa.table';

export type { UserRow };

const MAX_DISPLAY_NAME = 100;
// Control characters (NUL cannot even be stored), lone surrogates, and bidirectional overrides
// that make a name read as something else.
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** Trimmed, null when blank; BAD_USER_INPUT when too long or unsafe. Register and updateProfile share it. */
function checkedDisplayName(raw: string | null | undefined): string | null {
  const displayName = raw?.trim() || null;
  if (displayName && [...displayName].length > MAX_DISPLAY_NAME) {
    throw new BadInputError(`The display name is longer than ${MAX_DISPLAY_NAME} characters.`, 'displayName');
  }
  if (displayName && UNSAFE_IN_NAME.test(displayName)) {
    throw new BadInputError('The display name contains control or text-direction characters.', 'displayName');
  }
  return displayName;
}

export interface UserService {
  create(input: { email: string; password: string; displayName?: string | null; roles?: string[]; via?: 'register' | 'bootstrap' | 'cli' }, meta?: AuditMeta): Promise<UserRow>;
  findById(id: string): Promise<UserRow | undefined>;
  findByEmail(email: string): Promise<UserRow | undefined>;
  /**
   * For sign-in: the user and whether TOTP MFA is on, in one prepared statement (the answer is
   * used only once the password is proven, see auth.service).
   */
  findForLogin(email: string): Promise<{ user: UserRow; mfaEnabled: boolean } | undefined>;
  /** The user's own profile fields (today the display name: trimmed, blank clears it), audited as PROFILE_UPDATED. */
  updateProfile(id: string, input: { displayName?: string | null }, meta: AuditMeta): Promise<UserRow>;
  /** The same password re-hashed (new argon2 parameters). With `event`, audited in the same transaction. */
  setPasswordHash(id: string, hash: string, event?: Omit<AuditEvent, 'userId'>): Promise<void>;
  /**
   * A new password the user chose (change, reset), already checked against the policy: stored,
   * added to the password history (older entries trimmed) and audited, in one transaction.
   * `within` runs first in that transaction (a reset spends its token there); what it throws
   * rolls everything back.
   */
  setNewPassword(id: string, hash: string, event: Omit<AuditEvent, 'userId'>, opts?: { within?: (tx: Tx) => Promise<void> }): Promise<void>;
  /**
   * A link mailed to an address was opened, in the caller's transaction: marks the current
   * address verified or, with `newEmail`, makes that the account's address, verified. Undefined
   * for a missing or disabled account; EmailTakenError when another account has the new address.
   */
  confirmEmail(tx: Tx, id: string, change: { newEmail?: string | null; now: Date }): Promise<{ user: UserRow; previousEmail: string } | undefined>;
  /**
   * Locks the user's row for the caller's transaction. The lock order of every flow that changes
   * a user and its e-mail links is: this row, then the links, then the audit lock. (verifyEmail
   * used to take a link first and changePassword the links before the row: a deadlock.)
   */
  lockRow(tx: Tx, id: string): Promise<void>;
  count(): Promise<number>;
  /** Sets roles (USER always included); takes effect on existing tokens at their next request. */
  setRoles(userId: string, roles: string[], meta: AuditMeta): Promise<UserRow>;
  /** Live-roles markers of users whose roles changed within a token's lifetime (rebuild source). */
  liveRolesMarkers(now: Date): Promise<Marker[]>;
  /** Creates the admin when no account has that e-mail; never overwrites an existing one. */
  ensureAdmin(email: string, password: string, via: 'bootstrap' | 'cli'): Promise<'created' | 'exists'>;
}

export function createUserService(deps: {
  db: Db;
  clock: Clock;
  kv: Kv;
  audit: AuditService;
  hasher: PasswordHasher;
  /** Register, bootstrap and admin:create all go through it (no MFA yet: the longer minimum). */
  passwordPolicy: PasswordPolicy;
  passwordHistory: PasswordHistory;
  /** seconds: as long as an access token issued before a role change can live */
  liveRolesTtl: number;
  revocation: Pick<RevocationService, 'markerWriteFailed'>;
  /** Told after a role change is visible to token checks, so live subscriptions re-check their scopes. */
  onRolesChanged?: (userId: string) => void;
}): UserService {
  const { db, clock, kv, audit, hasher } = deps;
  // Built once and prepared on each connection: `me` reads a user by id, sign-in by e-mail.
  const userById = db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare('user_by_id');
  const byEmail = db.select().from(users).where(eq(users.email, sql.placeholder('email'))).prepare('users_by_email');
  // The MFA module's table, read here so that sign-in needs one statement for both.
  const mfaOn = sql<boolean>`exists (select 1 from ${mfaTotp} where ${mfaTotp.userId} = ${users.id} and ${mfaTotp.enabledAt} is not null)`;
  const forLogin = db.select({ user: users, mfaEnabled: mfaOn }).from(users).where(eq(users.email, sql.placeholder('email'))).prepare('users_for_login');

  const service: UserService = {
    async create(input, meta = {}) {
      const email = normalizeEmail(input.email);
      const problem = emailProblem(email);
      if (problem) throw new BadInputError(problem, 'email');
      const displayName = checkedDisplayName(input.displayName);
      await deps.passwordPolicy.enforce(input.password, { mfa: false, email, displayName });
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(users)
            .values({ id: randomUUID(), email, displayName, passwordHash, roles: input.roles ?? ['USER'], createdAt: now, updatedAt: now })
            .returning();
          await deps.passwordHistory.record(tx, row!.id, passwordHash, now);
          await audit.record(tx, { ...meta, action: 'USER_REGISTERED', userId: row!.id, details: { roles: row!.roles, via: input.via ?? 'register' } });
          return row!;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError();
        throw error;
      }
    },
    async findById(id) {
      const [row] = await userById.execute({ id });
      return row;
    },
    async findByEmail(email) {
      const normalized = normalizeEmail(email);
      // No account can have a malformed address; do not send one (e.g. with NUL) to the database.
      if (emailProblem(normalized)) return undefined;
      const [row] = await byEmail.execute({ email: normalized });
      return row;
    },
    async findForLogin(email) {
      const normalized = normalizeEmail(email);
      if (emailProblem(normalized)) return undefined;
      const [row] = await forLogin.execute({ email: normalized });
      return row;
    },
    async updateProfile(id, input, meta) {
      const displayName = checkedDisplayName(input.displayName);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx.update(users).set({ displayName, updatedAt: now }).where(and(eq(users.id, id), isNull(users.disabledAt))).returning();
        if (!row) throw new NotFoundError('No such user.');
        // Which fields changed, not their values: a name is personal data the audit chain keeps.
        await audit.record(tx, { ...meta, action: 'PROFILE_UPDATED', userId: id, details: { fields: ['displayName'] } });
        return row;
      });
    },
    async setPasswordHash(id, hash, event) {
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash: hash, updatedAt: clock.now() }).where(eq(users.id, id));
        if (event) await audit.record(tx, { ...event, userId: id });
      });
    },
    async setNewPassword(id, hash, event, opts = {}) {
      const now = clock.now();
      await db.transaction(async (tx) => {
        await service.lockRow(tx, id);
        await opts.within?.(tx);
        await tx.update(users).set({ passwordHash: hash, updatedAt: now }).where(eq(users.id, id));
        await deps.passwordHistory.record(tx, id, hash, now);
        await audit.record(tx, { ...event, userId: id });
      });
    },
    async lockRow(tx, id) {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
    },
    async confirmEmail(tx, id, { newEmail, now }) {
      const [current] = await tx.select().from(users).where(and(eq(users.id, id), isNull(users.disabledAt))).for('update');
      if (!current) return undefined;
      try {
        const [user] = await tx
          .update(users)
          .set(newEmail ? { email: newEmail, emailVerifiedAt: now, updatedAt: now } : { emailVerifiedAt: current.emailVerifiedAt ?? now, updatedAt: now })
          .where(eq(users.id, id))
          .returning();
        return { user: user!, previousEmail: current.email };
      } catch (error) {
        // Someone registered (or moved to) the address since the link was sent.
        if (isUniqueViolation(error)) throw new EmailTakenError();
        throw error;
      }
    },
    async setRoles(userId, requested, meta) {
      if (!isUuid(userId)) throw new NotFoundError('No such user.');
      const roles = ROLES.filter((r) => r === 'USER' || requested.includes(r));
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        // Locks every admin row, so two concurrent demotions cannot remove the last admin.
        const admins = await tx.select({ id: users.id }).from(users).where(sql`'ADMIN' = any(${users.roles})`).for('update');
        const [current] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
        if (!current) throw new NotFoundError('No such user.');
        if (current.roles.includes('ADMIN') && !roles.includes('ADMIN') && admins.length <= 1) {
          throw new BadInputError('At least one admin must remain: grant ADMIN to someone else first.', 'roles');
        }
        const [updated] = await tx.update(users).set({ roles, rolesChangedAt: now, updatedAt: now }).where(eq(users.id, userId)).returning();
        await audit.record(tx, { ...meta, action: 'ROLES_CHANGED', userId, details: { roles, previousRoles: current.roles } });
        return updated!;
      });
      // Committed: if the kv cannot take it, every instance rebuilds from roles_changed_at instead.
      await kv.setex(liveRolesKey(userId), deps.liveRolesTtl, JSON.stringify(row.roles)).catch(deps.revocation.markerWriteFailed);
      deps.onRolesChanged?.(userId);
      return row;
    },
    async liveRolesMarkers(now) {
      // rolesChangedAt is written in the same transaction as the roles: as durable as the change.
      const since = new Date(now.getTime() - deps.liveRolesTtl * 1000);
      const rows = await db.select({ id: users.id, roles: users.roles, changedAt: users.rolesChangedAt }).from(users).where(gt(users.rolesChangedAt, since));
      return rows.map((r) => ({ key: liveRolesKey(r.id), value: JSON.stringify(r.roles), ttl: deps.liveRolesTtl - (now.getTime() - r.changedAt!.getTime()) / 1000 }));
    },
    async count() {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(isNull(users.disabledAt));
      return row?.n ?? 0;
    },
    async ensureAdmin(email, password, via) {
      if (await service.findByEmail(email)) return 'exists';
      try {
        await service.create({ email, password, displayName: 'Administrator', roles: ['USER', 'ADMIN'], via });
        return 'created';
      } catch (error) {
        if (error instanceof EmailTakenError) return 'exists'; // another instance won the race
        throw error;
      }
    },
  };
  return service;
}

export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}
