/**
 * Online answers to the district's offer, behind a download link: what the response page shows
 * a link's recipient, sending the one-time code, and recording a signed answer (the rules are
 * core/parent-response.ts and core/response-code.ts; the texts response-page.ts and
 * response-mail.ts). Logs carry ids only, never a name, address, signature or message.
 */
import { createHash, randomInt } from 'node:crypto';
import { calendarDateIn } from '../core/dates.ts';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { rightsHaveTransferred } from '../core/milestones.ts';
import {
  type AnsweringRight,
  answeringRight,
  answerSequence,
  consentEffect,
  type OfferItems,
  type ResponseForm,
  type ResponseProblem,
  validateResponse,
} from '../core/parent-response.ts';
import { STUDENT_RECIPIENT } from '../core/recipients.ts';
import {
  CODE_DIGITS,
  type CodeState,
  checkCode,
  normalizeCode,
  requestCode,
} from '../core/response-code.ts';
import { stateLaw } from '../core/state-law.ts';
import { checkDecision } from '../core/validate.ts';
import type { DecisionReader, LinkRecord, LinkStore } from './delivery-ports.ts';
import { type VersionStatus, versionInForce } from './link-standing.ts';
import { hashToken, isWellFormedToken } from './links.ts';
import type { Log } from './ports.ts';
import { revocationCovers } from './recipient-revocation.ts';
import type { CodeStore, ResponseRecord, ResponseStore } from './response-ports.ts';

/** The sections of an offer a parent may except, besides each service (California: "in part"). */
export const OFFER_SECTIONS = ['goals', 'placement', 'accommodations'] as const;

/** What the page is about: the link, its decision and what its recipient may do. */
export interface Standing {
  link: LinkRecord;
  decision: Decision;
  district: DistrictProfile;
  right: AnsweringRight;
  offer: OfferItems;
  /** The recipient's answers to this version so far, oldest first. */
  answers: ResponseRecord[];
  code: CodeState;
  /** Where the code goes; absent for a recipient with no email address (postal). */
  email?: string;
  /**
   * What proves the answerer holds what was sent: the emailed link and a one-time code, or the
   * letter's printed code (a session opened through `/r`: no emailed code; the copy goes by post).
   */
  proof: 'email' | 'letter';
}

/** The link's state for the response page. */
export type Lookup =
  | { kind: 'invalid' }
  | { kind: 'not-in-force'; district: DistrictProfile; language: string }
  | ({ kind: 'open' } & Standing);

/**
 * What an answer's emails and PDF need (a {@link Standing} is one; the responses stream's
 * consumer builds it from the record): the decision, its district, the link's facts and the
 * recipient's own email.
 */
export type AnswerContext = Pick<Standing, 'decision' | 'district' | 'email'> & {
  link: Pick<LinkRecord, 'linkId' | 'decisionId' | 'version' | 'language'>;
  /** 'letter': answered with a printed code, so the copy goes by post (absent: email). */
  proof?: Standing['proof'];
};

/** What the parent and the case manager are sent; composed by response-mail.ts. */
export interface ResponseNotices {
  code(standing: Standing, code: string): Promise<void>;
  /**
   * The parent's copy (the PDF attached when made) and the case manager's notice, "action
   * needed" when `notifyCaseManager`; sent by the responses stream's consumer (response-follow-up.ts).
   */
  recorded(
    context: AnswerContext,
    record: ResponseRecord,
    notifyCaseManager: boolean,
  ): Promise<void>;
  /** The link is locked for answering after too many wrong codes. */
  locked(standing: Standing): Promise<void>;
}

export interface ResponseServiceDeps {
  links: Pick<LinkStore, 'get' | 'recipientRevocation'>;
  versions: (decisionId: string) => Promise<VersionStatus[]>;
  decisions: DecisionReader;
  districts: DistrictDirectory;
  codes: CodeStore;
  responses: ResponseStore;
  notices: Pick<ResponseNotices, 'code' | 'locked'>;
  clock: () => Date;
  log: Log;
}

/** Client facts recorded with an answer. */
export interface Client {
  sourceIp?: string;
  userAgent?: string;
}

/** The result of asking for a code. */
export type CodeRequest = 'sent' | 'locked' | 'too-soon' | 'too-many' | 'no-email' | 'not-allowed';

/** The result of a posted answer. */
export type AnswerResult =
  | { kind: 'recorded'; record: ResponseRecord }
  | { kind: 'problems'; problems: ResponseProblem[] }
  | { kind: 'code'; outcome: 'wrong' | 'expired' | 'none' | 'missing'; attemptsLeft?: number }
  | { kind: 'locked' }
  | { kind: 'not-allowed' }
  | { kind: 'conflict' };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** The stored hash of a code: bound to its link, so equal codes of two links differ. */
export const codeHash = (linkId: string, code: string) => sha256(`${linkId}:${code}`);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The record's sort key: one recipient's answers to one version sort together, in order. */
export function responseKey(version: number, recipientId: string, sequence: number): string {
  return `v${pad(version, 6)}#${recipientId}#${pad(sequence, 4)}`;
}

/** The services and sections of a decision a parent may except. */
export function offerItems(decision: Decision): OfferItems {
  return {
    serviceIds: decision.iep.services.map((s) => s.serviceId),
    sectionIds: [...OFFER_SECTIONS],
  };
}

/** Who the link's recipient is on the decision, and their email. */
export function respondent(decision: Decision, recipientId: string) {
  if (recipientId === STUDENT_RECIPIENT)
    return { isStudent: true, email: decision.student.contact?.email };
  const guardian = decision.guardians.find((g) => g.guardianId === recipientId);
  return {
    isStudent: false,
    educationalRightsHolder: guardian?.educationalRightsHolder === true,
    email: guardian?.email,
  };
}

/** Looks up links, codes and answers, and records answers. */
export class ResponseService {
  constructor(private readonly deps: ResponseServiceDeps) {}

  /**
   * The link's standing. Unknown, expired and revoked-while-in-force links are all `invalid`
   * (one 404); a link of a superseded or withdrawn version is `not-in-force` (a clear page).
   */
  async lookup(token: string): Promise<Lookup> {
    if (!isWellFormedToken(token)) return { kind: 'invalid' };
    const link = await this.deps.links.get(hashToken(token));
    const now = this.deps.clock();
    if (
      !link ||
      link.expiresAt * 1000 <= now.getTime() ||
      !this.deps.districts.has(link.districtId)
    )
      return { kind: 'invalid' };
    const district = this.deps.districts.get(link.districtId);
    if (!versionInForce(link.version, await this.deps.versions(link.decisionId)))
      return { kind: 'not-in-force', district, language: link.language };
    if (link.revokedAt || link.kind === 'postal') return { kind: 'invalid' };
    const letter = link.kind === 'postal-session';
    if (letter && !(await this.#codeStillOpen(link, now))) return { kind: 'invalid' };
    // As LinkService.resolve: a recipient revocation covers links its listing did not see.
    const marker = await this.deps.links.recipientRevocation(link.decisionId, link.recipientId);
    if (revocationCovers(marker, link.version)) return { kind: 'invalid' };
    const checked = checkDecision(await this.deps.decisions.get(link.decisionId, link.version));
    if (checked.kind !== 'checked') return { kind: 'invalid' };
    const decision = checked.decision;
    const who = respondent(decision, link.recipientId);
    const today = calendarDateIn(now, district.timeZone);
    const transferred = rightsHaveTransferred(decision, stateLaw(district.state), today);
    const [answers, code] = await Promise.all([
      this.deps.responses.listFor(link.decisionId, link.version, link.recipientId),
      this.deps.codes.get(link.linkId),
    ]);
    return {
      kind: 'open',
      link,
      decision,
      district,
      right: answeringRight({ recipientId: link.recipientId, ...who }, transferred),
      offer: offerItems(decision),
      answers,
      code,
      // A postal recipient never gets email from the page: they chose paper (300.505).
      ...(who.email && !letter ? { email: who.email } : {}),
      proof: letter ? 'letter' : 'email',
    };
  }

  /** Whether a session's printed code is still unexpired and unrevoked. */
  async #codeStillOpen(session: LinkRecord, now: Date): Promise<boolean> {
    const code = session.parentTokenHash
      ? await this.deps.links.get(session.parentTokenHash)
      : undefined;
    return code !== undefined && !code.revokedAt && code.expiresAt * 1000 > now.getTime();
  }

  /** Sends a new code to the recipient's own address (never to an address the form names). */
  async requestCode(standing: Standing): Promise<CodeRequest> {
    if (!standing.right.may) return 'not-allowed';
    if (!standing.email) return 'no-email';
    const code = pad(randomInt(0, 10 ** CODE_DIGITS), CODE_DIGITS);
    const now = this.deps.clock().getTime();
    const next = requestCode(standing.code, now, codeHash(standing.link.linkId, code));
    if (!next.ok) return next.reason;
    const saved = await this.deps.codes.save(
      standing.link.linkId,
      next.state,
      standing.code,
      standing.link.expiresAt,
    );
    if (!saved) return 'too-soon';
    await this.deps.notices.code(standing, code);
    this.deps.log.info('response code sent', {
      linkId: standing.link.linkId,
      decisionId: standing.link.decisionId,
    });
    return 'sent';
  }

  /** Checks the code, validates the answer, and records it (the stream's consumer does the rest). */
  async answer(
    standing: Standing,
    form: ResponseForm & { code?: string },
    client: Client,
  ): Promise<AnswerResult> {
    const { link } = standing;
    if (!standing.right.may) return { kind: 'not-allowed' };
    if (standing.code.lockedAt !== undefined) return { kind: 'locked' };
    const valid = validateResponse(form, standing.offer);
    if (!valid.ok) return { kind: 'problems', problems: valid.problems };
    // The printed code, checked when the session opened, stands for the emailed one.
    if (standing.proof === 'letter')
      return this.#record(standing, valid.value, client, this.deps.clock());
    if (form.code === undefined || form.code.trim() === '')
      return { kind: 'code', outcome: 'missing' };
    const now = this.deps.clock();
    const candidate = normalizeCode(form.code);
    const check = checkCode(
      standing.code,
      candidate && codeHash(link.linkId, candidate),
      now.getTime(),
    );
    if (check.outcome === 'locked') return { kind: 'locked' };
    if (check.outcome !== 'none' && check.outcome !== 'expired') {
      const saved = await this.deps.codes.save(
        link.linkId,
        check.state,
        standing.code,
        link.expiresAt,
      );
      if (!saved) return { kind: 'conflict' };
    }
    if (check.outcome === 'wrong') {
      this.deps.log.warn('response code wrong', {
        linkId: link.linkId,
        attemptsLeft: check.attemptsLeft,
      });
      if (check.justLocked) {
        await this.deps.notices.locked({ ...standing, code: check.state });
        this.deps.log.warn('response link locked', {
          linkId: link.linkId,
          decisionId: link.decisionId,
        });
        return { kind: 'locked' };
      }
      return { kind: 'code', outcome: 'wrong', attemptsLeft: check.attemptsLeft };
    }
    if (check.outcome !== 'accepted') return { kind: 'code', outcome: check.outcome };
    return this.#record(standing, valid.value, client, now);
  }

  async #record(
    standing: Standing,
    value: Extract<ReturnType<typeof validateResponse>, { ok: true }>['value'],
    client: Client,
    now: Date,
  ): Promise<AnswerResult> {
    const { link, decision, district } = standing;
    const { sequence, supersedes } = answerSequence(standing.answers);
    const on = calendarDateIn(now, district.timeZone);
    // The consent in force: the latest answer's, or the decision's as the district wrote it.
    const before = standing.answers.at(-1)?.consentAfter ?? decision.consent;
    const effect = consentEffect(before, value, on, standing.offer.serviceIds);
    const key = responseKey(link.version, link.recipientId, sequence);
    const record: ResponseRecord = {
      decisionId: link.decisionId,
      responseKey: key,
      responseId: `rsp_${sha256(`${link.decisionId}\u0000${key}`).slice(0, 24)}`,
      districtId: link.districtId,
      version: link.version,
      recipientId: link.recipientId,
      sequence,
      ...(supersedes ? { supersedes } : {}),
      linkId: link.linkId,
      ...value,
      language: link.language,
      signedAt: now.toISOString(),
      ipHash: sha256(`${link.tokenHash}:${client.sourceIp ?? ''}`),
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
      ...(effect.consent ? { consentAfter: effect.consent } : {}),
      ...(standing.proof === 'letter' ? { proof: 'letter' as const } : {}),
    };
    if (!(await this.deps.responses.append(record))) return { kind: 'conflict' };
    this.deps.log.info('response recorded', {
      decisionId: link.decisionId,
      version: link.version,
      responseId: record.responseId,
      response: record.response,
      sequence,
    });
    // The PDF, the parent's copy, the case manager's notice and the calendar follow from the
    // responses stream (response-follow-up.ts), in AWS and on one machine alike.
    return { kind: 'recorded', record };
  }
}
