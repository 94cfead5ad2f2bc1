import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import type { Clock } from '../../lib/clock';
import { BadInputError } from '../../lib/bad-input';
import { passwordProblems } from '../auth/password-policy';
import type { PasswordHasher } from '../auth/password';
import { emailProblem, normalizeEmail } from './email';
import { EmailTakenError, WeakPasswordError } from './users.errors';
import { users, type UserRow } from './users.table';

export type { UserRow };

const MAX_DISPLAY_NAME = 100;
// Control characters (NUL cannot even be stored), lone surrogates, and bidirectional overrides
// that make a name read as something else.
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

export interface UserService {
  create(input: { email: string; password: string; displayName?: string | null; roles?: string[] }, tx?: Tx): Promise<UserRow>;
  findById(id: string, tx?: Db | Tx): Promise<UserRow | undefined>;
  findByEmail(email: string): Promise<UserRow | undefined>;
  setPasswordHash(id: string, hash: string): Promise<void>;
  /** Creates the admin when no account has that e-mail; never overwrites an existing one. */
  ensureAdmin(email: string, password: string): Promise<'created' | 'exists'>;
}

export function createUserService(deps: { db: Db; clock: Clock; hasher: PasswordHasher; passwordMinLength: number }): UserService {
  const { db, clock, hasher } = deps;

  const service: UserService = {
    async create(input, tx) {
      const email = normalizeEmail(input.email);
      const problem = emailProblem(email);
      if (problem) throw new BadInputError(problem, 'email');
      const displayName = input.displayName?.trim() || null;
      if (displayName && [...displayName].length > MAX_DISPLAY_NAME) {
        throw new BadInputError(`The display name is longer than ${MAX_DISPLAY_NAME} characters.`, 'displayName');
      }
      if (displayName && UNSAFE_IN_NAME.test(displayName)) {
        throw new BadInputError('The display name contains control or text-direction characters.', 'displayName');
      }
      const weak = passwordProblems(input.password, deps.passwordMinLength);
      if (weak.length > 0) throw new WeakPasswordError(weak);
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      try {
        const [row] = await (tx ?? db)
          .insert(users)
          .values({ id: randomUUID(), email, displayName, passwordHash, roles: input.roles ?? ['USER'], createdAt: now, updatedAt: now })
          .returning();
        return row!;
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError();
        throw error;
      }
    },
    async findById(id, tx) {
      const [row] = await (tx ?? db).select().from(users).where(eq(users.id, id));
      return row;
    },
    async findByEmail(email) {
      const normalized = normalizeEmail(email);
      // No account can have a malformed address; do not send one (e.g. with NUL) to the database.
      if (emailProblem(normalized)) return undefined;
      const [row] = await db.select().from(users).where(eq(users.email, normalized));
      return row;
    },
    async setPasswordHash(id, hash) {
      await db.update(users).set({ passwordHash: hash, updatedAt: clock.now() }).where(eq(users.id, id));
    },
    async ensureAdmin(email, password) {
      if (await service.findByEmail(email)) return 'exists';
      try {
        await service.create({ email, password, displayName: 'Administrator', roles: ['USER', 'ADMIN'] });
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
