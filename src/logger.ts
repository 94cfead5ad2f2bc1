import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured JSON logs. Anything that might carry a secret is redacted by path as a second line
 * of defence; the first is that we never put secrets into log calls.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', '*.password', '*.newPassword', '*.currentPassword', '*.refreshToken', '*.token', 'authorization', '*.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
