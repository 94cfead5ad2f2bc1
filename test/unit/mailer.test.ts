// Threat: mailed links are bearer credentials, and mail delivery is slow and fails. The mailer
// must keep links out of production logs, never make a caller wait for or fail with delivery,
// and retry what a server refuses for now.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mail } from '../../src/modules/mail/mailer';
import { inWords, linkTo, passwordResetMail } from '../../src/modules/recovery/recovery.mails';
import { startSmtpSink, type SmtpSink } from '../support/smtp';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const wake: (() => void)[] = [];
  const write = (line: string) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of wake.splice(0)) w();
  };
  const logger = pino({ level: 'info', base: undefined }, { write });
  /** Resolves once `n` lines have been logged: the event itself, not a poll. */
  async function logged(n: number) {
    while (lines.length < n) await new Promise<void>((resolve) => wake.push(resolve));
  }
  return { logger, lines, logged };
}

const LINK = linkTo('https://id.example.com', '/reset-password', `pr_${'a'.repeat(43)}`);
const mail = (to = 'ada@example.com'): Mail => passwordResetMail(to, LINK, 1800);

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

describe('without SMTP_URL', () => {
  it('logs recipient and subject only in production, never the link', async () => {
    const { logger, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: undefined, from: 'no-reply@id.example.com', logger, logLinks: false });
    mailer.send(mail());
    await mailer.idle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ mail: { to: 'ada@example.com', subject: 'Reset your password' }, msg: 'mail not sent (no SMTP_URL): logged instead' });
    expect(JSON.stringify(lines)).not.toContain('pr_');
    expect(JSON.stringify(lines)).not.toContain('reset-password');
  });

  it('logs the link too in development and test, for a developer to click', async () => {
    const { logger, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: undefined, from: 'no-reply@id.example.com', logger, logLinks: true });
    mailer.send(mail());
    await mailer.idle();
    expect(lines[0]).toMatchObject({ mail: { to: 'ada@example.com', subject: 'Reset your password', link: LINK } });
  });
});

describe('over SMTP', () => {
  it('queues and returns at once, then delivers text and HTML from MAIL_FROM', async () => {
    const { logger } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Identity <no-reply@id.example.com>', logger, logLinks: false });
    expect(mailer.send(mail('queued@example.com'))).toBeUndefined();
    expect(smtp.to('queued@example.com')).toHaveLength(0);
    const [received] = await smtp.waitFor('queued@example.com');
    expect(received!.from).toBe('no-reply@id.example.com');
    expect(received!.raw).toMatch(/^From: Identity <no-reply@id\.example\.com>\r$/m);
    expect(received!.text).toContain(LINK);
    expect(received!.html).toContain(`<a href="${LINK}">`);
    await mailer.close();
  });

  it('retries a refused attempt with backoff and logs it, without the link', async () => {
    const { logger, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'no-reply@id.example.com', logger, logLinks: true, retryDelaysMs: [20, 20] });
    smtp.refuseNext(2);
    mailer.send(mail('retried@example.com'));
    await mailer.idle();
    expect(smtp.to('retried@example.com')).toHaveLength(1);
    expect(lines.map((l) => [l.msg, l.attempts])).toEqual([
      ['mail could not be sent: will retry', 1],
      ['mail could not be sent: will retry', 2],
    ]);
    expect(JSON.stringify(lines)).not.toContain('pr_');
    await mailer.close();
  });

  it('does not retry a permanent refusal (5xx)', async () => {
    const { logger, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'no-reply@id.example.com', logger, logLinks: true, retryDelaysMs: [10, 10] });
    smtp.refuseNext(1, 550);
    mailer.send(mail('nobody-here@example.com'));
    await mailer.idle();
    expect(lines.map((l) => [l.msg, l.attempts])).toEqual([['mail could not be sent: giving up', 1]]);
    expect(smtp.to('nobody-here@example.com')).toHaveLength(0);
    await mailer.close();
  });

  it('gives up after the last retry with an error in the log; the caller never sees it', async () => {
    const { logger, lines } = capturingLogger();
    // Nothing listens on port 9 of loopback.
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:9', from: 'no-reply@id.example.com', logger, logLinks: true, retryDelaysMs: [10] });
    expect(() => mailer.send(mail('lost@example.com'))).not.toThrow();
    await mailer.idle();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'mail could not be sent: will retry'],
      [50, 'mail could not be sent: giving up'],
    ]);
    expect(lines[1]).toMatchObject({ mail: { to: 'lost@example.com', subject: 'Reset your password' }, attempts: 2 });
    await mailer.close();
  });

  it('drops a mail waiting for its retry at shutdown, saying so in the log', async () => {
    const { logger, lines, logged } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'no-reply@id.example.com', logger, logLinks: true, retryDelaysMs: [60_000] });
    smtp.refuseNext(1);
    mailer.send(mail('shutdown@example.com'));
    await logged(1);
    await mailer.close();
    await mailer.idle();
    expect(lines.map((l) => l.msg)).toEqual(['mail could not be sent: will retry', 'mail not sent: shutting down before its retry']);
    mailer.send(mail('after@example.com'));
    expect(lines.at(-1)).toMatchObject({ msg: 'mail not sent: shutting down' });
  });
});

describe('mail bodies', () => {
  it('state lifetimes in words', () => {
    expect([inWords(1800), inWords(86400), inWords(3600), inWords(60), inWords(90)]).toEqual(['30 minutes', '24 hours', '1 hour', '1 minute', '90 seconds']);
  });

  it('escape what they put into HTML', () => {
    const m = passwordResetMail('a<b>&"c@example.com', 'https://id.example.com/reset-password?token=x&y=<z>', 1800);
    expect(m.html).not.toContain('<b>');
    expect(m.html).toContain('a&#60;b&#62;&#38;&#34;c@example.com');
    expect(m.html).toContain('href="https://id.example.com/reset-password?token=x&#38;y=&#60;z&#62;"');
  });
});
