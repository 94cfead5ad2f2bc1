/**
 * Roles map to scopes; scopes imply narrower scopes (`X:write` ⊇ `X:read`, `audit:read:all` ⊇
 * `audit:read`, `admin` ⊇ everything). Tokens carry the expanded set so resource servers can
 * check a single scope without knowing our hierarchy.
 */
export const USER_SCOPES = [
  'profile:read',
  'profile:write',
  'sessions:read',
  'sessions:write',
  'mfa:write',
  'apikeys:read',
  'apikeys:write',
  'audit:read',
] as const;

export const ADMIN_ONLY_SCOPES = ['users:read', 'users:write', 'audit:read:all', 'alerts:read', 'security:read'] as const;

export const ALL_SCOPES = [...USER_SCOPES, ...ADMIN_ONLY_SCOPES, 'admin'] as const;
export type Scope = (typeof ALL_SCOPES)[number];

export const ROLES = ['USER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const IMPLIES: Record<string, readonly string[]> = {
  'audit:read:all': ['audit:read'],
  admin: ALL_SCOPES.filter((s) => s !== 'admin'),
};

export function expandScopes(scopes: Iterable<string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (out.has(s)) return;
    out.add(s);
    const read = s.endsWith(':write') ? `${s.slice(0, -':write'.length)}:read` : undefined;
    if (read && (ALL_SCOPES as readonly string[]).includes(read)) add(read);
    for (const implied of IMPLIES[s] ?? []) add(implied);
  };
  for (const s of scopes) add(s);
  return [...out].sort();
}

/**
 * `adminAllowed: false` withholds the admin scopes even from admins: REQUIRE_ADMIN_MFA grants
 * them only to sessions that passed MFA.
 */
export function scopesForRoles(roles: readonly string[], opts: { adminAllowed?: boolean } = {}): string[] {
  const granted: string[] = [...USER_SCOPES];
  if (roles.includes('ADMIN') && opts.adminAllowed !== false) granted.push(...ADMIN_ONLY_SCOPES);
  return expandScopes(granted);
}

export const hasScope = (held: readonly string[], needed: string): boolean => held.includes(needed) || held.includes('admin');

/**
 * After an admin changes someone's roles, their current roles sit in the kv under this key for
 * as long as a token issued before the change can live, and every request re-derives scopes
 * from them: a demotion (or a grant) applies to existing tokens at once, on every instance.
 */
export const liveRolesKey = (userId: string) => `roles:${userId}`;
