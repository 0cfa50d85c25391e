/** Sends email through SES v2 (SendEmail, Simple content: HTML and text parts, optional attachments). */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../pipeline/delivery-ports.ts';

export interface SesMailerOptions {
  /** Every email is sent with it (TLS required, events routed to delivery-status). */
  configurationSetName?: string;
}

/** SES tag values allow only [A-Za-z0-9_-.@]; ours are ids, this keeps a stray character from failing a send. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256);
}

/**
 * A From mailbox: the display name quoted (RFC 5322) when it is printable ASCII, e.g.
 * `"Example USD" <no-reply@…>`, else as RFC 2047 encoded words (`=?UTF-8?B?…?=`), which SES
 * requires for any non-ASCII name ("Distrito Escolar de Peñasco").
 */
export function mailbox(name: string, email: string): string {
  const clean = name.replace(/["\\\r\n]/g, '');
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean}" <${email}>`;
  return `${encodedWords(clean).join(' ')} <${email}>`;
}

/** RFC 2047 §2: an encoded word is at most 75 characters; 45 bytes make 60 of base64. */
const ENCODED_WORD_BYTES = 45;

/** `text` as B-encoded UTF-8 words, never splitting a character between two words (§5). */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, 'utf8') > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/**
 * SES refused or failed a send. Its message holds SES's error code and HTTP status only: SES's
 * own texts may quote the recipient's address, and this error reaches the logs.
 */
export class SesSendFailed extends Error {
  /** Kept so that callers can tell a refusal (4xx) from a lost answer. */
  readonly $metadata: { httpStatusCode?: number };
  constructor(
    readonly code: string,
    httpStatusCode: number | undefined,
  ) {
    super(`SES did not send the email: ${code} (HTTP ${httpStatusCode ?? 'none'})`);
    this.name = 'SesSendFailed';
    this.$metadata = httpStatusCode === undefined ? {} : { httpStatusCode };
  }
}

function sesFailure(error: unknown): SesSendFailed {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return new SesSendFailed(/^[A-Za-z0-9._-]{1,64}$/.test(name) ? name : 'UnknownError', status);
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly options: SesMailerOptions = {},
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const command = new SendEmailCommand({
      FromEmailAddress: mailbox(email.from.name, email.from.email),
      Destination: { ToAddresses: [email.to] },
      ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          ...(email.attachments?.length
            ? {
                Attachments: email.attachments.map((a) => ({
                  FileName: a.fileName,
                  ContentType: a.contentType,
                  RawContent: a.content,
                  ContentDisposition: 'ATTACHMENT' as const,
                })),
              }
            : {}),
        },
      },
      EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({
        Name,
        Value: tagValue(Value),
      })),
      ...(this.options.configurationSetName
        ? { ConfigurationSetName: this.options.configurationSetName }
        : {}),
    });
    const result = await this.ses.send(command).catch((error: unknown) => {
      throw sesFailure(error);
    });
    if (!result.MessageId) throw new Error('SES accepted the email without a message id');
    return { messageId: result.MessageId };
  }
}
