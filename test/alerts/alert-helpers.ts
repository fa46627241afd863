import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature } from '../../src/alerts/signature.ts';

/** Real local peers for the alert tests: an SMTP server and a webhook receiver, both on 127.0.0.1. */

export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
}

export interface LocalSmtp {
  url: string;
  messages: ReceivedEmail[];
  /** Refuse the next `n` messages with a 451 (a mail server in trouble). */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

// A digest is a few kilobytes; this bounds what a runaway test could make the server hold.
const MAX_TEST_MESSAGE_BYTES = 1024 * 1024;

export async function startLocalSmtp(): Promise<LocalSmtp> {
  const messages: ReceivedEmail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to make, and nodemailer then sends without STARTTLS.
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_TEST_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuseNext(n) {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: { id: number; event: string; createdAt: string; reports: { id: number; url: string; article: { id: string; title: string }; decision: string; kind: string; coverage: number; copiedWords: number; status: string; link: string }[] };
  /** The signature checked with the secret the test gave the receiver. */
  signatureValid: boolean;
  /** The status the receiver answered. */
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The secret to verify signatures with (set once the target exists). */
  secret: string;
  /** Statuses to answer, in order; after them, 200. */
  answers: number[];
  close(): Promise<void>;
}

/** A webhook receiver as a customer would write one: verifies the signature over the raw body. */
export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const receiver = { received: [] as ReceivedWebhook[], secret: '', answers: [] as number[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyWebhookSignature(receiver.secret, String(req.headers['x-copyhound-timestamp']), body, String(req.headers['x-copyhound-signature']));
      const answered = receiver.answers.shift() ?? 200;
      receiver.received.push({ headers: req.headers, body, json: JSON.parse(body), signatureValid, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered >= 300 ? 'receiver is down for maintenance' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The text of a MIME message with quoted-printable soft breaks and escapes undone (enough to search it). */
export function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}
