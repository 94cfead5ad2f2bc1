/**
 * The mails of the recovery flows: plain text, plus the same words as simple HTML. Links point
 * at LINK_BASE_URL (default PUBLIC_URL), fixed by configuration, never at a host taken from the
 * request (a forged Host header must not turn a reset mail into a link to someone else's site). Only the address's own owner gets a link: the
 * notice to the old address of an address change carries none.
 */
import type { Mail } from '../mail/mailer';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 1800 → "30 minutes", 86400 → "24 hours". */
export function inWords(seconds: number): string {
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function linkTo(linkBaseUrl: string, path: '/reset-password' | '/verify-email', token: string): string {
  const url = new URL(linkBaseUrl + path);
  url.searchParams.set('token', token);
  return url.toString();
}

function compose(to: string, subject: string, paragraphs: string[], link?: string): Mail {
  const text = paragraphs.map((p) => (link ? p.replace('{link}', link) : p)).join('\n\n') + '\n';
  const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">${paragraphs
    .map((p) =>
      p === '{link}' && link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : `<p>${escapeHtml(p)}</p>`,
    )
    .join('')}</body></html>`;
  return { to, subject, text, html, ...(link ? { link } : {}) };
}

export function passwordResetMail(to: string, link: string, ttlSeconds: number): Mail {
  return compose(
    to,
    'Reset your password',
    [
      `Someone, hopefully you, asked to reset the password of the account ${to}. To choose a new password, open this link:`,
      '{link}',
      `It works once, for ${inWords(ttlSeconds)}. Resetting signs you out everywhere and revokes the account’s API keys.`,
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
    link,
  );
}

export function verificationMail(to: string, link: string, ttlSeconds: number): Mail {
  return compose(
    to,
    'Confirm your e-mail address',
    [`To confirm that ${to} is your address, open this link:`, '{link}', `It works once, for ${inWords(ttlSeconds)}.`, 'If you did not ask for this, ignore this mail.'],
    link,
  );
}

export function emailChangeMail(to: string, link: string, ttlSeconds: number): Mail {
  return compose(
    to,
    'Confirm your new e-mail address',
    [
      `Someone asked to make ${to} the e-mail address of their account. If that was you, confirm it by opening this link:`,
      '{link}',
      `It works once, for ${inWords(ttlSeconds)}. Until then the account keeps its current address.`,
      'If you did not ask for this, ignore this mail: nothing changes.',
    ],
    link,
  );
}

export function emailChangeNotice(to: string, newEmail: string): Mail {
  return compose(to, 'Your e-mail address is being changed', [
    `Someone signed in to your account asked to change its e-mail address from ${to} to ${newEmail}. The change takes effect once the new address is confirmed.`,
    'If this was you, there is nothing to do.',
    'If this wasn’t you, sign in and change your password now (or reset it from the sign-in page): that signs out everyone else and cancels the change.',
  ]);
}
