// Once per run: make sure the migrated template database exists.
import postgres from 'postgres';
import { createDatabase } from '../../src/db/client';
import { ADMIN_URL, templateName, urlFor } from './pg';

export default async function setup() {
  const name = templateName();
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists) return;
    const building = `${name}_building_${process.pid}`;
    await admin.unsafe(`create database "${building}"`);
    const database = await createDatabase({ databaseUrl: urlFor(building), dataDir: '/nonexistent' });
    await database.migrate();
    await database.close();
    await admin.unsafe(`alter database "${building}" rename to "${name}"`).catch(async (error) => {
      await admin.unsafe(`drop database if exists "${building}"`);
      if (!/already exists/.test(String(error))) throw error;
    });
  } finally {
    await admin.end();
  }
}
