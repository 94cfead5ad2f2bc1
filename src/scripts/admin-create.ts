// npm run admin:create -- <email>   (the password is read from ADMIN_PASSWORD or standard input)
import { createInterface } from 'node:readline/promises';
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
  const outcome = await services.users.ensureAdmin(email, password, 'cli');
  console.log(outcome === 'created' ? `admin ${email} created` : `an account ${email} exists already; nothing changed`);
});
