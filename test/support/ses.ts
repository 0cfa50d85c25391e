/**
 * Reading what the SES emulator "sent". Its store is shared by the whole test run: pick your
 * own emails by a unique recipient or subject.
 */
import { emulatorEndpoints } from './environment.ts';

/** One email as the SES emulator stores it. */
export interface SentEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { readonly to: string[]; readonly cc: string[]; readonly bcc: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: ReadonlyArray<{
    readonly filename?: string;
    readonly contentType: string;
    readonly content: string;
    readonly size: number;
  }>;
  /** Epoch seconds. */
  readonly at: number;
}

/** Every email sent through the shared SES emulator, optionally only those to `to`. */
export async function sentEmails(filter: { to?: string } = {}): Promise<SentEmail[]> {
  const response = await fetch(emulatorEndpoints().sesStoreUrl);
  if (!response.ok) throw new Error(`SES emulator store answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: SentEmail[] };
  const { to } = filter;
  return to === undefined ? emails : emails.filter((email) => email.destination.to.includes(to));
}
