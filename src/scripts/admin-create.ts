// npm run admin:create -- <email>             a new admin account
// npm run admin:create -- --promote <email>   an existing account becomes an admin (audited, alerted)
//
// The password is never an argument (shell history, `ps`) and never echoed: ADMIN_PASSWORD, or
// the first line of standard input when it is not a terminal, or a hidden prompt (asked twice).
import { WeakPasswordError } from '../modules/users/users.errors';
import { runCli } from './cli';

const USAGE = 'usage: npm run admin:create -- [--promote] <email>   (password from ADMIN_PASSWORD, standard input, or a hidden prompt)';

const args = process.argv.slice(2);
const promote = args.includes('--promote');
const rest = args.filter((a) => a !== '--promote');
const email = rest[0];
if (!email || rest.length > 1 || email.startsWith('-')) {
  console.error(USAGE);
  process.exit(2);
}

class Refused extends Error {}

await runCli(async (_deps, services) => {
  try {
    const existing = await services.users.findByEmail(email);
    if (promote) {
      if (!existing) throw new Refused(`There is no account ${email}. To create an admin, leave out --promote.`);
      if (existing.roles.includes('ADMIN')) return console.log(`${email} is an admin already; nothing changed`);
      // The same path as an admin's setUserRoles: audited as ROLES_CHANGED and alerted as ADMIN_ROLE_GRANTED.
      await services.users.setRoles(existing.id, [...existing.roles, 'ADMIN'], { userAgent: 'npm run admin:create --promote' });
      return console.log(`${email} is now an admin`);
    }
    if (existing) {
      if (existing.roles.includes('ADMIN')) return console.log(`an admin ${email} exists already; nothing changed`);
      throw new Refused(`An account ${email} exists already and is not an admin. To make it one: npm run admin:create -- --promote ${email}`);
    }
    const password = await readPassword();
    if (!password) throw new Refused('No password given.');
    // The same password policy as everyone's; a refusal lists every reason.
    const outcome = await services.users.ensureAdmin(email, password, 'cli').catch((error: unknown) => {
      if (error instanceof WeakPasswordError) throw new Refused(`The password is refused:\n${error.reasons.map((r) => `  - ${r}`).join('\n')}`);
      throw error;
    });
    console.log(outcome === 'created' ? `admin ${email} created` : `an account ${email} exists already; nothing changed`);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
});

async function readPassword(): Promise<string> {
  // The command may read its own input; config.ts stays the reader of the service's environment.
  const fromEnv = process.env.ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    let data = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) {
      data += chunk as string;
      if (data.includes('\n')) break;
    }
    return data.split(/\r?\n/)[0] ?? '';
  }
  const first = await hiddenPrompt('password: ');
  const again = await hiddenPrompt('the same password again: ');
  if (first !== again) throw new Refused('The two passwords differ.');
  return first;
}

/** Reads one line from the terminal without echoing it. */
function hiddenPrompt(prompt: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Refused('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    // Echo off before the prompt shows: what is typed after seeing it is never echoed.
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    process.stderr.write(prompt);
  });
}
