/**
 * Each test file gets its own database, copied from a template that is migrated once per run
 * (CREATE DATABASE … TEMPLATE is a file copy: milliseconds, and no test sees another's rows).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { migrationsFolder } from '../../src/db/client';

// The `postgres` maintenance database every stock installation has: the suite creates the rest.
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function templateName(): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(f).update(readFileSync(path.join(migrationsFolder, f)));
  }
  return `idp_tmpl_${hash.digest('hex').slice(0, 12)}`;
}

export const urlFor = (db: string) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
};

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `idp_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${templateName()}"`);
        break;
      } catch (error) {
        // Two files copying the template at the same instant: try again shortly.
        if (attempt > 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: urlFor(name),
    async drop() {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await a.end();
    },
  };
}
