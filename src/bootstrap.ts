/** Start-up work shared by main.ts and the test harness: migrate, keys, first admin. */
import type { Deps } from './deps';
import type { Services } from './services';

export async function bootstrap(deps: Deps, services: Services): Promise<void> {
  await deps.database.migrate();
  await services.keys.ensureKey();
  const admin = deps.config.bootstrapAdmin;
  if (admin) {
    const outcome = await services.users.ensureAdmin(admin.email, admin.password);
    if (outcome === 'created') deps.logger.info({ email: admin.email }, 'bootstrap admin created');
  }
}
