// Makes a new signing key; the old one stays in the JWKS until its tokens have expired.
import { runCli } from './cli';

await runCli(async (_deps, services) => {
  await services.keys.ensureKey();
  const { kid, activatesAt } = await services.keys.rotate();
  console.log(`new signing key ${kid}: published in the JWKS now, signs from ${activatesAt.toISOString()}`);
});
