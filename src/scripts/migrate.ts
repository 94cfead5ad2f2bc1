import { runCli } from './cli';

await runCli(async (deps) => {
  console.log(`migrations applied (${deps.database.kind})`);
});
