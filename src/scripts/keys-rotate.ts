// Makes a new signing key; the old one stays in the JWKS until its tokens have expired.
import { runCli } from './cli';
import { JWKS_MAX_AGE_SECONDS, RELOAD_INTERVAL_SECONDS } from '../modules/keys/keys.service';

await runCli(async (_deps, services) => {
  await services.keys.ensureKey();
  const { kid, activatesAt } = await services.keys.rotate();
  // Running instances pick the key up at their next reload, not now; caches follow max-age later.
  console.log(
    `new signing key ${kid}: running instances publish it in their JWKS within ${RELOAD_INTERVAL_SECONDS} s ` +
      `(resource servers may cache the JWKS ${JWKS_MAX_AGE_SECONDS} s more); it signs from ${activatesAt.toISOString()}`,
  );
});
