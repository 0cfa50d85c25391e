/**
 * The state rules the federal regulations defer to, in one table read by the completeness
 * gate, the calendar, the notices and the IEP alike: the age from which the IEP must carry
 * a transition plan (34 CFR 300.320(b) sets 16 and lets a state choose younger), and the
 * age of majority at which IDEA rights transfer to the student (300.520(a): "under State
 * law", and only where the state provides for the transfer).
 *
 * The state is the district's (its profile's `state`): the rules are those of the state
 * whose education agency issues the IEP. Each row names its source; a state without a row
 * follows the federal default (16) and the common age of majority (18).
 */

/** The rules of one state, with where each comes from. */
export interface StateLaw {
  /** Two-letter code, or `US` for the federal defaults alone. */
  state: string;
  /** Age from which the IEP in effect must carry a transition plan. */
  transitionAge: number;
  /** The rule that sets `transitionAge` (34 CFR 300.320(b) when the state sets none younger). */
  transitionSource: string;
  /** The age of majority under state law. */
  ageOfMajority: number;
  /** The rule that sets `ageOfMajority`. */
  majoritySource: string;
  /** False where the state does not transfer IDEA rights at majority (300.520(a) "may"). */
  rightsTransfer: boolean;
}

/** The federal transition age (300.320(b): "not later than the first IEP ... after the child turns 16"). */
export const FEDERAL_TRANSITION_AGE = 16;
/** The age of majority in every state without a row of its own. */
export const COMMON_AGE_OF_MAJORITY = 18;

type Row = Partial<Omit<StateLaw, 'state'>>;

/**
 * States that differ from the defaults. A new row needs its source: the state regulation
 * or statute, by paragraph.
 */
const ROWS: Readonly<Record<string, Row>> = {
  AL: { ageOfMajority: 19, majoritySource: 'Code of Alabama § 26-1-1' },
  MA: { transitionAge: 14, transitionSource: '603 CMR 28.05(4)(c)' },
  MS: { ageOfMajority: 21, majoritySource: 'Mississippi Code § 1-3-27' },
  NE: { ageOfMajority: 19, majoritySource: 'Nebraska Revised Statutes § 43-2101' },
  NY: { transitionAge: 15, transitionSource: '8 NYCRR 200.4(d)(2)(ix)' },
  PA: { transitionAge: 14, transitionSource: '22 Pa. Code § 14.131(a)(5)' },
};

/** The rules of `state` (a two-letter code); the defaults for a state without a row. */
export function stateLaw(state: string | undefined): StateLaw {
  const code = state ?? 'US';
  const row = ROWS[code] ?? {};
  return {
    state: code,
    transitionAge: row.transitionAge ?? FEDERAL_TRANSITION_AGE,
    transitionSource: row.transitionSource ?? '34 CFR 300.320(b)',
    ageOfMajority: row.ageOfMajority ?? COMMON_AGE_OF_MAJORITY,
    majoritySource: row.majoritySource ?? `${code} law: age of majority 18`,
    rightsTransfer: row.rightsTransfer ?? true,
  };
}

/** Every state with a row of its own (for the documentation and its test). */
export function statesWithRows(): string[] {
  return Object.keys(ROWS).sort();
}
