import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import {
  compileDeliveryTemplates,
  composeCoverLetter,
  composeEmail,
  contentOfDocuments,
  type DeliveryContent,
  deliveryContent,
  deliverySubject,
  downloadPage,
  hasDeliveryTexts,
  messageTexts,
} from '../../functions/pipeline/delivery-templates.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';

const templates = compileDeliveryTemplates();
const locales = loadLocales();
const locale = (tag: string) => locales.get(tag) as Locale;
const district = loadDistrictDirectory().get('example-usd');
const CONTENTS: DeliveryContent[] = [
  'meeting-documents',
  'annual-review-notice',
  'majority-notice',
];

/** The text a reader sees in escaped HTML. */
const readable = (html: string) =>
  html
    .replaceAll('&#x27;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&#x3D;', '=')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

function email(tag: string, content: DeliveryContent, adultStudent = false) {
  return composeEmail(templates, {
    locale: locale(tag),
    district,
    content,
    adultStudent,
    link: 'https://docs.example.org/d/token',
    linkValidUntil: '2027-11-19',
    languages: tag === 'en' ? ['en'] : [tag, 'en'],
    translationNeeded: false,
    attachments: true,
  });
}

function letter(tag: string, content: DeliveryContent, adultStudent = false) {
  const type = content === 'meeting-documents' ? 'iep' : content;
  const { subject, job } = composeCoverLetter(templates, {
    locale: locale(tag),
    district,
    content,
    adultStudent,
    recipientName: 'Guardian Name',
    address: { line1: '1 Main St', city: 'Springfield', state: 'CA', postalCode: '90000' },
    date: '2027-10-20',
    documents: [{ type, language: tag }],
    translationNeeded: false,
  });
  return { subject, html: readable(job.html) };
}

const MEETING_WORDING = [
  'Documents from',
  'has finalized the documents',
  'View the documents',
  'The documents are',
];

describe('the email and letter of an annual-review notice', () => {
  it('say in English that it is a notice about the annual IEP review, not that documents are ready', () => {
    // Act
    const message = email('en', 'annual-review-notice');
    const cover = letter('en', 'annual-review-notice');

    // Assess
    expect(message.subject).toBe(
      "A notice about your child's annual IEP review — Example Unified School District",
    );
    expect(message.text).toContain(
      "Example Unified School District is sending you a notice about the annual review of your child's Individualized Education Program (IEP). You can read it through the secure link below.",
    );
    expect(message.text).toContain('View the notice: https://docs.example.org/d/token');
    expect(message.text).toContain('The notice is available in: English.');
    expect(message.text).toContain('The notice is also attached to this email.');
    expect(readable(message.html)).toContain('>View the notice</a>');
    expect(cover.subject).toBe("A notice about your child's annual IEP review");
    expect(cover.html).toContain(
      "Example Unified School District is sending you a notice about the annual review of your child's Individualized Education Program (IEP). It is enclosed with this letter.",
    );
    expect(cover.html).toContain('<p>Enclosed notice:</p>');
    expect(cover.html).toContain('<li>Notice: Annual IEP Review Due (English)</li>');
    for (const wording of MEETING_WORDING) {
      expect(`${message.subject}\n${message.text}\n${message.html}`).not.toContain(wording);
      expect(`${cover.subject}\n${cover.html}`).not.toContain(wording);
    }
  });

  it('address an adult student as the one whose IEP is reviewed', () => {
    const message = email('en', 'annual-review-notice', true);
    const cover = letter('en', 'annual-review-notice', true);

    expect(message.subject).toBe(
      'A notice about your annual IEP review — Example Unified School District',
    );
    expect(message.text).toContain(
      'Example Unified School District is sending you a notice about the annual review of your Individualized Education Program (IEP).',
    );
    expect(cover.subject).toBe('A notice about your annual IEP review');
    expect(`${message.text}\n${cover.html}`).not.toContain("your child's");
  });

  it('are written in Spanish for a Spanish-speaking parent', () => {
    const message = email('es', 'annual-review-notice');
    const cover = letter('es', 'annual-review-notice');

    expect(message.subject).toBe(
      'Un aviso sobre la revisión anual del IEP de su hijo — Example Unified School District',
    );
    expect(message.text).toContain(
      'Example Unified School District le envía un aviso sobre la revisión anual del Programa de Educación Individualizado (IEP) de su hijo. Puede leerlo mediante el enlace seguro que aparece a continuación.',
    );
    expect(message.text).toContain('Ver el aviso: https://docs.example.org/d/token');
    expect(message.text).toContain('El aviso está disponible en: español, inglés.');
    expect(message.text).toContain('El aviso también se adjunta a este correo electrónico.');
    expect(cover.subject).toBe('Un aviso sobre la revisión anual del IEP de su hijo');
    expect(cover.html).toContain('<p>Aviso adjunto:</p>');
    expect(cover.html).toContain('Aviso: revisión anual del IEP pendiente (español)');
    const spanishMeeting = locale('es');
    for (const text of [spanishMeeting.email.linkLabel, spanishMeeting.email.attachmentsNote])
      expect(message.text).not.toContain(text);
    expect(cover.html).not.toContain(spanishMeeting.postal.enclosed);
  });

  it('are written in Arabic, right to left, for an Arabic-speaking parent', () => {
    const message = email('ar', 'annual-review-notice');
    const cover = letter('ar', 'annual-review-notice');

    expect(message.subject).toBe(
      'إشعار بشأن المراجعة السنوية لبرنامج التعليم الفردي لطفلكم — Example Unified School District',
    );
    expect(message.text).toContain(
      'ترسل Example Unified School District إليكم إشعارًا بشأن المراجعة السنوية لبرنامج التعليم الفردي (IEP) الخاص بطفلكم. يمكنكم قراءته عبر الرابط الآمن أدناه.',
    );
    expect(message.text).toContain('عرض الإشعار: https://docs.example.org/d/token');
    expect(message.html).toContain('<html lang="ar" dir="rtl">');
    expect(cover.subject).toBe('إشعار بشأن المراجعة السنوية لبرنامج التعليم الفردي لطفلكم');
    expect(cover.html).toContain('<p>الإشعار المرفق:</p>');
    expect(message.text).not.toContain(locale('ar').email.linkLabel);
  });
});

describe('the email and letter of a majority notice', () => {
  it('say it is a notice about the transfer of educational rights, to the parent and to the student', () => {
    const parent = email('en', 'majority-notice');
    const student = email('en', 'majority-notice', true);
    const cover = letter('es', 'majority-notice');

    expect(parent.subject).toBe(
      'A notice about the transfer of educational rights to your child — Example Unified School District',
    );
    expect(parent.text).toContain(
      'Example Unified School District is sending you a notice about the transfer of educational rights to your child at the age of majority.',
    );
    expect(student.subject).toBe(
      'A notice about the transfer of educational rights to you — Example Unified School District',
    );
    expect(cover.subject).toBe(
      'Un aviso sobre la transferencia de los derechos educativos a su hijo',
    );
    expect(cover.html).toContain('Aviso: transferencia de los derechos educativos (español)');
  });
});

describe('the email and letter of meeting documents', () => {
  it('keep saying that the documents of the meeting are ready', () => {
    const message = email('en', 'meeting-documents');
    const cover = letter('en', 'meeting-documents');

    expect(message.subject).toBe(
      "Documents from your child's IEP meeting are ready — Example Unified School District",
    );
    expect(message.text).toContain(
      'Example Unified School District has finalized the documents from a recent Individualized Education Program (IEP) meeting. You can read and download them through the secure link below.',
    );
    expect(message.text).toContain('View the documents: https://docs.example.org/d/token');
    expect(message.text).toContain('The documents are also attached to this email.');
    expect(cover.subject).toBe("Documents from your child's IEP meeting");
    expect(cover.html).toContain('<p>Enclosed documents:</p>');
    expect(cover.html).toContain('<li>Individualized Education Program (IEP) (English)</li>');
    expect(email('en', 'meeting-documents', true).subject).toBe(
      'Documents from your IEP meeting are ready — Example Unified School District',
    );
  });

  it('leave the attachments note out when nothing is attached', () => {
    const message = composeEmail(templates, {
      locale: locale('en'),
      district,
      content: 'annual-review-notice',
      adultStudent: false,
      link: 'https://docs.example.org/d/token',
      linkValidUntil: '2027-11-19',
      languages: ['en'],
      translationNeeded: true,
      attachments: false,
    });

    expect(message.text).not.toContain('attached');
    expect(message.text).toContain('The notice is not yet available in your language');
  });
});

describe('subjects', () => {
  it.each([...locales.keys()])(
    '%s: every subject of every kind is filled from the district name alone',
    (tag) => {
      for (const content of CONTENTS) {
        for (const adultStudent of [false, true]) {
          const texts = messageTexts(locale(tag), content, adultStudent);
          for (const channel of ['email', 'postal'] as const) {
            const template = texts[channel].subject;
            const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
            expect(names, `${content} ${channel}`).toEqual(channel === 'email' ? ['district'] : []);
            expect(deliverySubject(channel, locale(tag), district, adultStudent, content)).toBe(
              template.replace('{district}', district.name),
            );
          }
        }
      }
    },
  );

  it.each([...locales.keys()])(
    '%s: a notice has its own words, not the meeting documents',
    (tag) => {
      const meeting = messageTexts(locale(tag), 'meeting-documents', false);
      for (const content of ['annual-review-notice', 'majority-notice'] as const) {
        for (const adultStudent of [false, true]) {
          const notice = messageTexts(locale(tag), content, adultStudent);
          for (const [key, text] of Object.entries(notice.email))
            expect(text, `${content} email.${key}`).not.toBe(
              meeting.email[key as keyof typeof meeting.email],
            );
          for (const [key, text] of Object.entries(notice.postal))
            expect(text, `${content} postal.${key}`).not.toBe(
              meeting.postal[key as keyof typeof meeting.postal],
            );
        }
      }
    },
  );
});

describe('what a delivery carries', () => {
  it("is a decision's documents, or the one notice of a reminder job", () => {
    expect(deliveryContent('decision-documents', ['iep', 'prior-written-notice'])).toBe(
      'meeting-documents',
    );
    expect(
      deliveryContent('reminder-notice', ['annual-review-notice', 'annual-review-notice']),
    ).toBe('annual-review-notice');
    expect(deliveryContent('reminder-notice', ['majority-notice'])).toBe('majority-notice');
  });

  it('refuses a reminder job carrying no notice, or two kinds', () => {
    expect(() => deliveryContent('reminder-notice', [])).toThrow(/one kind of notice/);
    expect(() => deliveryContent('reminder-notice', ['iep'])).toThrow(/one kind of notice/);
    expect(() =>
      deliveryContent('reminder-notice', ['annual-review-notice', 'majority-notice']),
    ).toThrow(/one kind of notice/);
  });
});

function page(tag: string, content: DeliveryContent) {
  const type = content === 'meeting-documents' ? 'iep' : content;
  return readable(
    downloadPage(templates, {
      locale: locale(tag),
      district,
      content,
      validUntil: '2027-11-19',
      documents: [{ href: 'token/doc_1', type, language: tag, pages: 2 }],
    }),
  );
}

describe('the download page', () => {
  const DISTRICT = 'Example Unified School District';

  it('says a notice link holds a notice about what it is, not the documents of a meeting', () => {
    const annual = page('en', 'annual-review-notice');
    const majority = page('en', 'majority-notice');

    expect(annual).toContain(`<title>A notice from ${DISTRICT}</title>`);
    expect(annual).toContain('a notice about the annual review of the Individualized Education');
    expect(majority).toContain(`<h1 style="font-size:22px;">A notice from ${DISTRICT}</h1>`);
    expect(majority).toContain('the transfer of educational rights at the age of majority');
    for (const html of [annual, majority]) {
      expect(html).not.toContain('Documents from');
      expect(html).not.toContain('documents from your IEP meeting');
    }
  });

  it('keeps saying that a meeting link holds the documents of the IEP meeting', () => {
    const html = page('en', 'meeting-documents');

    expect(html).toContain(`<title>Documents from ${DISTRICT}</title>`);
    expect(html).toContain('These are the documents from your IEP meeting.');
  });

  it.each(['es', 'ar', 'zh-Hans'])('is written in the locale for a notice (%s)', (tag) => {
    const texts = locale(tag).download;

    const annual = page(tag, 'annual-review-notice');
    const majority = page(tag, 'majority-notice');

    expect(annual).toContain(texts.annualReviewNotice.intro);
    expect(majority).toContain(texts.majorityNotice.intro);
    expect(majority).not.toContain(texts.intro);
  });

  it('knows a link of notices from a link of meeting documents by their types', () => {
    expect(contentOfDocuments(['majority-notice', 'majority-notice'])).toBe('majority-notice');
    expect(contentOfDocuments(['annual-review-notice'])).toBe('annual-review-notice');
    expect(contentOfDocuments(['iep', 'prior-written-notice'])).toBe('meeting-documents');
    expect(contentOfDocuments(['annual-review-notice', 'majority-notice'])).toBe(
      'meeting-documents',
    );
    expect(contentOfDocuments([])).toBe('meeting-documents');
  });
});

describe('locales for delivery', () => {
  it('do not serve the download page from a locale without the texts of a notice', () => {
    const english = locale('en');
    const { annualReviewNotice: _dropped, ...download } = english.download;

    expect(hasDeliveryTexts({ ...english, download } as unknown as Locale)).toBe(false);
  });

  it('do not serve messages from a locale without the texts of a notice', () => {
    const english = locale('en');
    const { majorityNotice: _dropped, ...email } = english.email;

    expect(hasDeliveryTexts(english)).toBe(true);
    expect(hasDeliveryTexts({ ...english, email } as unknown as Locale)).toBe(false);
  });
});
