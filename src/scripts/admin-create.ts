// npm run admin:create -- <email>   (the password is read from ADMIN_PASSWORD or standard input)
import { createInterface } from 'node:readline/promises';
import { WeakPasswordError } from '../modules/users/users.errors';
import { runCli } from './cli';

const email = process.argv[2];
if (!email) {
  console.error('usage: npm run admin:create -- <email>   (password from ADMIN_PASSWORD or stdin)');
  process.exit(2);
}

await runCli(async (_deps, services) => {
  // The CLI may read its own input; config.ts stays the reader of the service's environment.
  let password = process.env.ADMIN_PASSWORD ?? '';
  if (!password) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    password = await rl.question('password: ');
    rl.close();
  }
  // The same password policy as everyone's; a refusal lists every reason and exits with 1.
  const outcome = await services.users.ensureAdmin(email, password, 'cli').catch((error: unknown) => {
    if (!(error instanceof WeakPasswordError)) throw error;
    console.error(`The password is refused:\n${error.reasons.map((r) => `  - ${r}`).join('\n')}`);
    process.exitCode = 1;
    return 'refused' as const;
  });
  if (outcome === 'refused') return;
  console.log(outcome === 'created' ? `admin ${email} created` : `an account ${email} exists already; nothing changed`);
});
