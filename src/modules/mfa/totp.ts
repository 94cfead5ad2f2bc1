/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, as every authenticator app expects) through
 * otplib. Time always comes from the caller (the injected clock), never from the library.
 * Accepted: the current step and one either side (clock drift), and only steps after the last
 * one accepted for this user, so a code that was seen once cannot be replayed.
 */
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;

/** 160 bits, base32: what RFC 4226 recommends and authenticator apps expect. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

export const totpUri = (opts: { issuer: string; account: string; secret: string }): string =>
  generateURI({ issuer: opts.issuer, label: opts.account, secret: opts.secret, digits: TOTP_DIGITS, period: TOTP_PERIOD });

export const looksLikeTotp = (code: string): boolean => /^\d{6}$/.test(code);

/** The matched time step, or undefined when the code is wrong, outside the window, or replayed. */
export async function matchTotp(secret: string, code: string, now: Date, afterStep: number | null): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: TOTP_PERIOD,
    digits: TOTP_DIGITS,
    epochTolerance: TOTP_PERIOD,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
