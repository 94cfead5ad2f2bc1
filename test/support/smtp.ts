/**
 * A real SMTP server on loopback (smtp-server, port 0) that keeps what it receives, so tests see
 * mail exactly as a mail server would: envelope, headers, the MIME parts, transfer-encoded.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  from: string;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded. */
  html: string;
  raw: string;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** Messages to `address` so far. */
  to(address: string): ReceivedMail[];
  /** Waits until `count` messages to `address` have arrived (default 1), returning them all. */
  waitFor(address: string, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Fails the next `n` messages, by default with a temporary error (451) as a server under load would. */
  refuseNext(n: number, responseCode?: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  /** waitFor's sleepers, woken by every mail that arrives. */
  const arrived: (() => void)[] = [];
  let refuse = 0;
  let refuseCode = 451;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const error = Object.assign(new Error(refuseCode >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: refuseCode });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({ ...parse(raw), raw, from, to: session.envelope.rcptTo.map((r) => r.address) });
        for (const wake of arrived.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const to = (address: string) => messages.filter((m) => m.to.includes(address));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to,
    async waitFor(address, count = 1, timeoutMs = 10_000) {
      // Woken by each arriving mail; the timeout only turns a mail that never comes into a clear failure.
      const gaveUp = Symbol('timeout');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<typeof gaveUp>((resolve) => (timer = setTimeout(() => resolve(gaveUp), timeoutMs)));
      try {
        while (to(address).length < count) {
          if ((await Promise.race([new Promise<void>((resolve) => arrived.push(resolve)), timeout])) === gaveUp) {
            throw new Error(`expected ${count} mail(s) to ${address}, got ${to(address).length}`);
          }
        }
      } finally {
        clearTimeout(timer);
      }
      return to(address);
    },
    refuseNext(n, responseCode = 451) {
      refuse = n;
      refuseCode = responseCode;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Enough MIME for what nodemailer writes: a single part or multipart/alternative, QP or base64. */
function parse(raw: string): { subject: string; text: string; html: string } {
  const [head, body] = splitHeaders(raw);
  const subject = head.get('subject') ?? '';
  const type = head.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => splitHeaders(p.replace(/^\r\n/, '')))
    : [[head, body] as const];
  const partOf = (mime: string) => {
    const part = parts.find(([h]) => (h.get('content-type') ?? 'text/plain').startsWith(mime));
    return part ? decode(part[1], part[0].get('content-transfer-encoding') ?? '7bit') : '';
  };
  return { subject, text: partOf('text/plain'), html: partOf('text/html') };
}

function splitHeaders(block: string): readonly [Map<string, string>, string] {
  const at = block.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of block.slice(0, at).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return [headers, block.slice(at + 4)] as const;
}

function decode(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const s = body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const hex = s.slice(i + 1, i + 3);
      if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(s[i]!, 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}
