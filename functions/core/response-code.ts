/**
 * The one-time code that stands behind an online answer. The link proves the recipient can read
 * the email; the code, sent on request to the same address, proves it at the time of answering,
 * so a link forwarded or left in a shared inbox cannot sign by itself. Six digits, valid ten
 * minutes, five wrong tries per link and the link is locked for answering (never for reading:
 * the documents stay the parent's to read, 300.613) and the case manager told.
 *
 * Pure: the caller passes the time (epoch ms) and hashes (generating and hashing a code are the
 * pipeline's, with node:crypto).
 */

/** Digits of a code. */
export const CODE_DIGITS = 6;
/** How long a code is valid. */
export const CODE_VALIDITY_MS = 10 * 60_000;
/** Wrong tries a link gets, over all its codes, before it is locked for answering. */
export const MAX_CODE_ATTEMPTS = 5;
/** Codes a link may request in all (each is an email to the parent: no mail bombing). */
export const MAX_CODES_SENT = 10;
/** The least time between two code requests of one link. */
export const CODE_RESEND_MS = 30_000;

/** A link's code state, as stored (one item per link). */
export interface CodeState {
  /** Hash of the current code; absent before the first request. */
  codeHash?: string;
  /** Epoch ms the current code was issued. */
  issuedAt?: number;
  /** Wrong tries so far, over every code of the link (a new code does not reset them). */
  attempts: number;
  /** Codes sent so far. */
  sent: number;
  /** Epoch ms the link was locked for answering. */
  lockedAt?: number;
  /** Epoch ms the current code was used (a code signs one answer only). */
  usedAt?: number;
}

/** A link that never asked for a code. */
export const NO_CODE: CodeState = { attempts: 0, sent: 0 };

/** A well-formed code: exactly six ASCII digits (spaces a parent typed are removed first). */
export function normalizeCode(input: string | undefined): string | undefined {
  const code = (input ?? '').replace(/\s+/g, '');
  return new RegExp(`^[0-9]{${CODE_DIGITS}}$`).test(code) ? code : undefined;
}

/** Whether a new code may be sent now, and the state after sending it. */
export function requestCode(
  state: CodeState,
  now: number,
  codeHash: string,
): { ok: true; state: CodeState } | { ok: false; reason: 'locked' | 'too-many' | 'too-soon' } {
  if (state.lockedAt !== undefined) return { ok: false, reason: 'locked' };
  if (state.sent >= MAX_CODES_SENT) return { ok: false, reason: 'too-many' };
  if (state.issuedAt !== undefined && now - state.issuedAt < CODE_RESEND_MS)
    return { ok: false, reason: 'too-soon' };
  const { usedAt: _used, ...rest } = state;
  return { ok: true, state: { ...rest, codeHash, issuedAt: now, sent: state.sent + 1 } };
}

/** The outcome of a code tried with an answer. */
export type CodeCheck =
  | { outcome: 'accepted'; state: CodeState }
  | { outcome: 'wrong'; state: CodeState; attemptsLeft: number; justLocked: boolean }
  | { outcome: 'expired' | 'none' | 'locked'; state: CodeState };

/**
 * Checks a code (by its hash; undefined for a malformed one, which counts as a wrong try).
 * An expired or used code is not a try: the parent asks for a new one. The fifth wrong try
 * locks the link (`justLocked`: tell the case manager, once).
 */
export function checkCode(
  state: CodeState,
  candidateHash: string | undefined,
  now: number,
): CodeCheck {
  if (state.lockedAt !== undefined) return { outcome: 'locked', state };
  if (state.codeHash === undefined || state.issuedAt === undefined || state.usedAt !== undefined)
    return { outcome: 'none', state };
  if (now - state.issuedAt >= CODE_VALIDITY_MS) return { outcome: 'expired', state };
  if (candidateHash !== undefined && candidateHash === state.codeHash)
    return { outcome: 'accepted', state: { ...state, usedAt: now } };
  const attempts = state.attempts + 1;
  const justLocked = attempts >= MAX_CODE_ATTEMPTS;
  return {
    outcome: 'wrong',
    state: { ...state, attempts, ...(justLocked ? { lockedAt: now } : {}) },
    attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - attempts),
    justLocked,
  };
}
