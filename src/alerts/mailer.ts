import { createTransport } from 'nodemailer';

/**
 * Sends alert e-mails over SMTP (nodemailer). One transport per dispatcher, closed with it.
 * smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the start.
 */

// A mail server that has not connected or greeted within this long is down; the digest waits for
// the next poll instead of holding the dispatcher.
const SMTP_CONNECT_TIMEOUT_MS = 15_000;
// A stalled conversation mid-message fails after this long of silence.
const SMTP_SOCKET_TIMEOUT_MS = 60_000;

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailer(options: { smtpUrl: string; from: string }): Mailer {
  const transport = createTransport({
    url: options.smtpUrl,
    connectionTimeout: SMTP_CONNECT_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECT_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  return {
    async send(email) {
      const info = await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.text, html: email.html });
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
