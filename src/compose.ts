/**
 * Config → deps → services → start-up work → app. main.ts, the tests and the benchmark all build
 * the service through this one function, so what is tested is what runs.
 */
import { createApp, type App } from './app';
import { ConfigError, type Config } from './config';
import { createDeps, type Deps, type DepsOptions } from './deps';
import { createMetrics, type Metrics } from './metrics';
import { createServices, type Services } from './services';
import { WeakPasswordError } from './modules/users/users.errors';

export interface Composed {
  config: Config;
  deps: Deps;
  services: Services;
  metrics: Metrics;
  app: App;
  /** Background work of a running server: key reloads, and the audit retention purge daily. */
  startJobs(): void;
  /** Stops timers and closes the database and Redis (the HTTP server is closed separately). */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

export async function compose(config: Config, overrides: DepsOptions = {}): Promise<Composed> {
  const metrics = createMetrics();
  const deps = await createDeps(config, overrides);
  const services = createServices(deps, { onLogin: (outcome) => metrics.loginOutcomes.inc({ outcome }) });
  try {
    await startUp(deps, services);
  } catch (error) {
    await deps.close();
    throw error;
  }
  const app = createApp({
    config,
    services,
    logger: deps.logger,
    metrics,
    readiness: { database: () => deps.database.ping(), ...(deps.redis ? { redis: () => deps.kv.ping() } : {}) },
  });
  let retention: NodeJS.Timeout | undefined;
  // The daily clean-up, one after the other; one failing does not stop the next.
  const purges: [string, () => Promise<number>][] = [
    ['audit retention purge', () => services.audit.purge()],
    ['spent and expired e-mail links purge', () => services.emailTokens.purge(deps.clock.now())],
    ['forgotten sign-in failure counts purge', () => services.lockout.purge()],
  ];
  const purge = async () => {
    for (const [name, run] of purges) {
      await run()
        .then((deleted) => deleted > 0 && deps.logger.info({ deleted }, name))
        .catch((error: unknown) => deps.logger.error({ err: error }, `${name} failed`));
    }
  };
  return {
    config,
    deps,
    services,
    metrics,
    app,
    startJobs() {
      services.keys.start();
      services.apiKeys.start();
      services.webhooks.start();
      void purge();
      retention = setInterval(() => void purge(), DAY_MS);
      retention.unref();
    },
    async close() {
      services.keys.stop();
      await services.sessionWatch.close();
      await services.webhooks.stop();
      await services.apiKeys.stop();
      // Links being issued need the database; queued mail gets a short drain.
      await services.passwordReset.idle();
      await services.mailer.close();
      if (retention) clearInterval(retention);
      await deps.close();
    },
  };
}

/**
 * Migrate, make sure a signing key exists, create the bootstrap admin when configured. The admin's
 * password goes through the same policy as everyone's (an admin is the account most worth
 * guessing); a refused one stops the start with a ConfigError naming the variable and the
 * reasons. Only creation checks it: an admin that exists already is never touched.
 */
async function startUp(deps: Deps, services: Services): Promise<void> {
  await deps.database.migrate();
  await services.keys.ensureKey();
  // An empty kv (a fresh in-process one, or Redis after a restart) gets its revocation state back
  // before the first request. Not fatal: requests fail closed and retry the rebuild themselves.
  await services.revocation.rebuild().catch((error: unknown) => deps.logger.warn({ err: (error as Error).message }, 'revocation rebuild at start failed'));
  const admin = deps.config.bootstrapAdmin;
  if (admin) {
    const outcome = await services.users.ensureAdmin(admin.email, admin.password, 'bootstrap').catch((error: unknown) => {
      if (error instanceof WeakPasswordError) throw new ConfigError([`BOOTSTRAP_ADMIN_PASSWORD: refused by the password policy: ${error.reasons.join(' ')}`]);
      throw error;
    });
    if (outcome === 'created') deps.logger.info({ email: admin.email }, 'bootstrap admin created');
  }
}
