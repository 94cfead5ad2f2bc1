/**
 * Structured JSON logs. Anything that might carry a secret is kept out at three levels: we never
 * put secrets, documents or variables into log calls; errors are serialised by `safeError`
 * (name, code, message and stack frames only: a failed query's SQL parameters and a driver's
 * `detail` with row values never reach the log); and paths that might hold a secret are redacted.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const SECRET_KEYS = ['password', 'newPassword', 'currentPassword', 'refreshToken', 'token', 'accessToken', 'secret', 'code', 'authorization', 'cookie'];

/**
 * `destination`: where lines go; tests pass a stream to read them. Without one, stdout, buffered:
 * a line per request must not cost a write system call on that request's path. The buffer is
 * written out (synchronously, on the event loop: no line is ever split or reordered) every 4 KiB,
 * every 250 ms, at once for a warning or worse, on `logger.flush()`, and at exit, a crash
 * included. Only a SIGKILL can lose the last 250 ms of info lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const out = destination ?? bufferedStdout();
  const flushes = !destination;
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: safeError },
      redact: {
        paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.cookie', 'req.headers.authorization', 'headers.cookie', 'headers.authorization'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method, lineLevel) {
          method.apply(this, args);
          if (flushes && lineLevel >= WARN) this.flush();
        },
      },
    },
    out,
  );
}

const WARN = 40;

function bufferedStdout() {
  const out = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 250 });
  process.once('exit', () => out.flushSync());
  return out;
}

/**
 * For lines whose fields are fixed and never secret (one per request: id, method, path, status,
 * duration). Redaction walks every line for the paths above, and costs four times the rest of
 * such a line; it stays on for every other log call.
 */
export function withoutRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}

interface SafeError {
  type: string;
  /** The driver's or system's code (ECONNREFUSED, 57P01): not `code`, which is redacted as a secret. */
  errorCode?: string;
  message: string;
  stack?: string;
  cause?: SafeError;
}

/**
 * An error as it may be logged. A drizzle "Failed query" message carries the SQL and every bound
 * parameter (password hashes, token hashes, e-mail addresses): it is replaced, and its cause (the
 * driver's error) is logged instead. Stacks keep their frames; their first line repeats the message.
 */
export function safeError(error: unknown, depth = 0): SafeError | string | undefined {
  if (error === undefined || error === null) return undefined;
  if (!(error instanceof Error)) return typeof error === 'string' ? error : Object.prototype.toString.call(error);
  const type = error.constructor?.name || error.name;
  const message = type === 'DrizzleQueryError' ? 'Failed query (SQL and parameters omitted)' : error.message;
  const frames = error.stack?.split('\n').filter((line) => /^\s+at /.test(line));
  const code = (error as { code?: unknown }).code;
  const cause = depth < 5 ? safeError((error as { cause?: unknown }).cause, depth + 1) : undefined;
  return {
    type,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    message,
    ...(frames?.length ? { stack: [`${type}: ${message}`, ...frames].join('\n') } : {}),
    ...(cause && typeof cause === 'object' ? { cause } : {}),
  };
}
