// Once per run: make sure the migrated template database exists. Several runs may start at once
// (developers, CI): an advisory lock lets one build it while the others wait.
import postgres from 'postgres';
import { createDatabase } from '../../src/db/client';
import { ADMIN_URL, templateName, urlFor } from './pg';

const TEMPLATE_LOCK_ID = 727_100;

export default async function setup() {
  const name = templateName();
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_ID})`;
    // Templates of earlier migration states are of no further use on CI's machine. Elsewhere a
    // second checkout (another branch, other migrations) may be using one right now: keep them.
    if (process.env.CI) for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where datname ~ '^idp_tmpl_[0-9a-f]{12}$' and datname <> ${name}`) {
      await admin.unsafe(`drop database if exists "${datname}"`).catch(() => {});
    }
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists) return;
    // Leftovers of a run that died while building.
    for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${name}_building_%`}`) {
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    }
    const building = `${name}_building_${process.pid}`;
    await admin.unsafe(`create database "${building}"`);
    const database = await createDatabase({ databaseUrl: urlFor(building), dataDir: '/nonexistent' });
    await database.migrate();
    await database.close();
    await admin.unsafe(`alter database "${building}" rename to "${name}"`);
  } finally {
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_ID})`.catch(() => {});
    await admin.end();
  }
}
