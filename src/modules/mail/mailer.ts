/**
 * Outgoing mail. The mails that matter here carry bearer links (a password reset is as good as
 * the password for as long as it lives), so:
 *
 * - Never on the request's path: `send` queues and returns at once. Callers queue after their
 *   transaction commits (a rolled-back change mails nothing), and a slow or failing SMTP server
 *   can neither delay an answer nor turn it into an error, nor make "is there an account?"
 *   measurable in the response time.
 * - A small in-process queue sends in the background, at most CONCURRENCY at a time, retrying a
 *   failed attempt after 1, 2, 4, 8 and 16 seconds (not a permanent 5xx refusal); the last
 *   failure is logged (recipient, subject and the error, never the body). It is not durable: a mail still queued when the
 *   process stops is logged as lost after a short drain. Every link mailed here can be asked for
 *   again, which a durable outbox would not improve on enough to justify a table and a poller.
 * - Without SMTP_URL, mails are logged, not sent: with NODE_ENV=production the recipient and the
 *   subject only (the link is a credential, and logs travel further than mailboxes); in
 *   development and test the link too, so a developer can click it.
 */
import nodemailer from 'nodemailer';
import type { Logger } from '../../logger';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the mail carries, if any: logged instead of sent only outside production. */
  link?: string;
}

export interface Mailer {
  /** Queues the mail and returns at once; never throws for a delivery problem. */
  send(mail: Mail): void;
  /** Resolves once nothing is queued, being sent or waiting for a retry. */
  idle(): Promise<void>;
  /** Stops taking mail, waits briefly for what is being sent, and closes the transport. */
  close(): Promise<void>;
}

/** Delivers one mail or throws; the queue decides about retries. */
export type MailTransport = (mail: Mail & { from: string }) => Promise<void>;

const CONCURRENCY = 2;
export const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];
const DRAIN_MS = 5_000;

export function createMailer(deps: {
  /** smtp:// or smtps:// (options such as ?tls.rejectUnauthorized=false go in the query); absent: log only. */
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
  /** Outside production: a logged (not sent) mail includes its link. */
  logLinks: boolean;
  retryDelaysMs?: number[];
}): Mailer {
  const { logger } = deps;
  const delays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  const smtp = deps.smtpUrl
    ? nodemailer.createTransport({ url: deps.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
    : undefined;

  const deliver: MailTransport = smtp
    ? async (mail) => {
        await smtp.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      }
    : async (mail) => {
        logger.info(
          { mail: { to: mail.to, subject: mail.subject, ...(deps.logLinks && mail.link ? { link: mail.link } : {}) } },
          'mail not sent (no SMTP_URL): logged instead',
        );
      };

  interface Job {
    mail: Mail;
    attempts: number;
  }
  const queue: Job[] = [];
  const retrying = new Map<NodeJS.Timeout, Job>();
  let active = 0;
  /** Queued, in flight or waiting for a retry. */
  let outstanding = 0;
  const waiters: (() => void)[] = [];
  let closed = false;

  const about = (mail: Mail) => ({ to: mail.to, subject: mail.subject });

  function done() {
    outstanding--;
    if (outstanding === 0) for (const resolve of waiters.splice(0)) resolve();
  }

  function pump() {
    while (active < CONCURRENCY && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      void attempt(job).finally(() => {
        active--;
        pump();
      });
    }
  }

  async function attempt(job: Job) {
    job.attempts++;
    try {
      await deliver({ ...job.mail, from: deps.from });
      done();
    } catch (error) {
      const err = (error as Error).message;
      // A permanent refusal (5xx: no such mailbox, policy) will not change on a retry.
      const permanent = Number((error as { responseCode?: unknown }).responseCode) >= 500;
      const delay = permanent ? undefined : delays[job.attempts - 1];
      if (delay === undefined || closed) {
        logger.error({ mail: about(job.mail), attempts: job.attempts, err }, 'mail could not be sent: giving up');
        done();
        return;
      }
      logger.warn({ mail: about(job.mail), attempts: job.attempts, retryInMs: delay, err }, 'mail could not be sent: will retry');
      const timer = setTimeout(() => {
        retrying.delete(timer);
        queue.push(job);
        pump();
      }, delay);
      timer.unref();
      retrying.set(timer, job);
    }
  }

  function idle(): Promise<void> {
    return outstanding === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  }

  return {
    send(mail) {
      if (closed) {
        logger.error({ mail: about(mail) }, 'mail not sent: shutting down');
        return;
      }
      outstanding++;
      queue.push({ mail, attempts: 0 });
      pump();
    },
    idle,
    async close() {
      closed = true;
      for (const [timer, job] of retrying) {
        clearTimeout(timer);
        logger.error({ mail: about(job.mail), attempts: job.attempts }, 'mail not sent: shutting down before its retry');
        done();
      }
      retrying.clear();
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise((resolve) => (timeout = setTimeout(resolve, DRAIN_MS).unref()))]);
      clearTimeout(timeout);
      for (const job of queue.splice(0)) {
        logger.error({ mail: about(job.mail) }, 'mail not sent: shutting down');
        done();
      }
      smtp?.close();
      for (const resolve of waiters.splice(0)) resolve();
    },
  };
}
