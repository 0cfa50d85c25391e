/**
 * The emails of online answers and the answer's PDF: the one-time code and the parent's signed
 * copy (in the page's language, to the recipient's own address on the decision), the case
 * manager's notice (English, ids only) and the notice of a locked link. Subjects carry no
 * student or parent data; bodies are plain text (escaped into the HTML part).
 */
import { createHash } from 'node:crypto';
import type { DistrictProfile } from '../core/district.ts';
import { interpolate } from '../render/locales.ts';
import type { ResponseDocumentRenderer } from '../render/response-document.ts';
import type { Mailer } from './delivery-ports.ts';
import type { DocumentRecords, DocumentStore } from './ports.ts';
import type { ResponsePage, ResponseTexts } from './response-page.ts';
import type { ResponseRecord } from './response-ports.ts';
import type { AnswerContext, ResponseNotices } from './responses.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function email(
  district: DistrictProfile,
  to: string,
  subject: string,
  text: string,
  tags: Record<string, string>,
) {
  return {
    from: district.sender,
    replyTo: district.email,
    to,
    subject,
    text,
    html: `<!DOCTYPE html><html><body><p>${escapeHtml(text)}</p></body></html>`,
    tags,
  };
}

/** Where a recorded answer's PDF is kept: beside the decision's documents (ids only in the key). */
export function responseDocumentKey(record: ResponseRecord): string {
  return `districts/${record.districtId}/decisions/${record.decisionId}/v${record.version}/responses/${record.responseId}.pdf`;
}

export interface ResponseMailDeps {
  mailer: Mailer;
  page: ResponsePage;
  /** The stored PDF of an answer, to attach to the parent's copy. */
  pdfOf?: (documentId: string) => Promise<Uint8Array | undefined>;
  /** Sends a postal recipient's copy by post (a session opened with a printed code). */
  postalCopy?: (record: ResponseRecord) => Promise<void>;
}

/** The tags of a response email: its kind and the ids it is about (no personal data). */
const tags = (s: AnswerContext, kind: string) => ({
  kind,
  decisionId: s.link.decisionId,
  linkId: s.link.linkId,
});

/** The notices of {@link ResponseService} over a mailer. */
export function responseMail(deps: ResponseMailDeps): ResponseNotices {
  const textsOf = (s: AnswerContext) => deps.page.textsFor(s.link.language).texts;
  const english = deps.page.textsFor('en').texts;
  return {
    async code(s, code) {
      if (!s.email) throw new Error('no email address for the code');
      const t = textsOf(s).mail;
      await deps.mailer.send(
        email(
          s.district,
          s.email,
          interpolate(t.codeSubject, { district: s.district.name }),
          interpolate(t.codeText, { code }),
          tags(s, 'response-code'),
        ),
      );
    },
    async recorded(s, record, notifyCaseManager) {
      if (s.email) {
        await sendParentCopy(deps, s, s.email, textsOf(s), record);
      } else if (s.proof === 'letter') {
        // They chose paper (300.505): their copy goes by post, never to an email address.
        await deps.postalCopy?.(record);
      }
      await sendStaffNotice(deps, s, english, record, notifyCaseManager);
    },
    async locked(s) {
      await deps.mailer.send(
        email(
          s.district,
          s.decision.caseManager.email,
          english.mail.lockedSubject,
          interpolate(english.mail.lockedText, {
            decisionId: s.link.decisionId,
            version: s.link.version,
          }),
          tags(s, 'response-locked'),
        ),
      );
    },
  };
}

/** The parent's copy of their answer, in their language, with its PDF when one is stored. */
async function sendParentCopy(
  deps: ResponseMailDeps,
  s: AnswerContext,
  to: string,
  t: ResponseTexts,
  record: ResponseRecord,
): Promise<void> {
  const pdf = record.documentId ? await deps.pdfOf?.(record.documentId) : undefined;
  await deps.mailer.send({
    ...email(
      s.district,
      to,
      interpolate(t.mail.copySubject, { district: s.district.name }),
      interpolate(t.mail.copyText, { date: record.signedAt.slice(0, 10) }),
      tags(s, 'response-copy'),
    ),
    ...(pdf
      ? {
          attachments: [
            { fileName: 'parent-response.pdf', contentType: 'application/pdf', content: pdf },
          ],
        }
      : {}),
  });
}

/**
 * The case manager's notice of an answer (English, ids only). Every answer reaches them (the
 * district keeps the consent record, 300.9); one that needs action (a meeting, a refusal, an
 * exception) says so in its subject.
 */
async function sendStaffNotice(
  deps: ResponseMailDeps,
  s: AnswerContext,
  english: ResponseTexts,
  record: ResponseRecord,
  notifyCaseManager: boolean,
): Promise<void> {
  const subject = notifyCaseManager ? english.mail.staffActionSubject : english.mail.staffSubject;
  await deps.mailer.send(
    email(
      s.district,
      s.decision.caseManager.email,
      subject,
      interpolate(english.mail.staffText, {
        answer: english.answers[record.response],
        decisionId: record.decisionId,
        version: record.version,
      }),
      tags(s, 'response-staff'),
    ),
  );
}

export interface ResponseDocumentsDeps {
  renderer: Pick<ResponseDocumentRenderer, 'render'>;
  page: ResponsePage;
  records: DocumentRecords;
  store: DocumentStore;
  signerName: string;
  clock: () => Date;
}

/** The answer's PDF (response-follow-up.ts): render, sign, store once, record once; its id. */
export function responseDocuments(deps: ResponseDocumentsDeps) {
  return async (s: AnswerContext, record: ResponseRecord): Promise<string> => {
    const { texts, fallback } = deps.page.textsFor(record.language);
    const language = fallback === null ? texts.locale : 'en';
    const labels = new Map<string, string>([
      ...s.decision.iep.services.map((svc) => [svc.serviceId, svc.name] as [string, string]),
      ...Object.entries(texts.sections as Record<string, string>),
    ]);
    const doc = await deps.renderer.render({
      record,
      district: s.district,
      texts: texts as ResponseTexts,
      language,
      studentName: `${s.decision.student.firstName} ${s.decision.student.lastName}`,
      itemLabels: labels,
    });
    const key = responseDocumentKey(record);
    const put = await deps.store.putOnce(key, doc.pdf, {
      contentType: 'application/pdf',
      sha256Hex: doc.sha256,
      metadata: {
        'document-id': doc.documentId,
        'decision-id': record.decisionId,
        version: String(record.version),
      },
    });
    const bytes = put.created ? doc.pdf : await deps.store.get(key);
    await deps.records.putOnce({
      documentId: doc.documentId,
      districtId: record.districtId,
      decisionId: record.decisionId,
      version: record.version,
      type: 'parent-response',
      language,
      rendition: record.sequence,
      s3Key: key,
      ...(put.versionId ? { s3VersionId: put.versionId } : {}),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      htmlSha256: doc.htmlSha256,
      bytes: bytes.byteLength,
      pages: doc.pages,
      signed: true,
      signer: deps.signerName,
      createdAt: deps.clock().toISOString(),
    });
    return doc.documentId;
  };
}
