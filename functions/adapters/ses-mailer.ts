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

/** Quotes a display name for a From header (RFC 5322), e.g. "Example USD" <no-reply@...>. */
function mailbox(name: string, email: string): string {
  return `"${name.replace(/["\\\r\n]/g, '')}" <${email}>`;
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly options: SesMailerOptions = {},
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const result = await this.ses.send(
      new SendEmailCommand({
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
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the email without a message id');
    return { messageId: result.MessageId };
  }
}
