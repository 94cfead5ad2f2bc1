/** Shared set-up for the one-shot commands (migrate, keys:rotate, admin:create). */
import { ConfigError, parseConfig } from '../config';
import { DataDirLockedError } from '../db/client';
import { createDeps, type Deps } from '../deps';
import { createServices, type Services } from '../services';

export async function runCli(task: (deps: Deps, services: Services) => Promise<void>): Promise<void> {
  try {
    const config = parseConfig(process.env);
    // Without DATABASE_URL, refuses at once while the server holds DATA_DIR (its changes would be lost).
    const deps = await createDeps(config, { waitForDataDir: false });
    try {
      await deps.database.migrate();
      await task(deps, createServices(deps));
    } finally {
      await deps.close();
    }
  } catch (error) {
    console.error(error instanceof ConfigError || error instanceof DataDirLockedError ? error.message : error);
    process.exit(1);
  }
}
