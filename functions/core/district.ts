/**
 * A district's profile: who the documents come from. Configuration, not decision data:
 * a deployment serves the districts it has profiles for, and rejects every other.
 */
import { z } from 'zod';
import { isTimeZone } from './dates.ts';
import { UnknownDistrict } from './errors.ts';

const address = z.strictObject({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  state: z.string().regex(/^[A-Z]{2}$/),
  postalCode: z.string().regex(/^\d{5}(-\d{4})?$/),
});

export const districtProfileSchema = z.strictObject({
  districtId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /** The district's legal name, as on its letterhead. */
  name: z.string().min(1),
  /** The office that issues IEPs (e.g. "Special Education Department"). */
  office: z.string().min(1),
  letterheadAddress: address,
  /** Where undeliverable mail returns to; printed in the window envelope's return area. */
  returnAddress: address,
  phone: z.string().min(1),
  email: z.email(),
  website: z.url({ protocol: /^https$/ }),
  timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone'),
  /** Two-letter state; drives the default age of majority. */
  state: z.string().regex(/^[A-Z]{2}$/),
  signing: z.strictObject({
    /** The PDF signature's reason, e.g. "Official IEP record of Example Unified School District". */
    reason: z.string().min(1),
    /** The PDF signature's location, e.g. "Springfield, CA". */
    location: z.string().min(1),
    /**
     * The certificates trusted as issuers of the district's document-signing certificates:
     * PEM files, relative to the profile's folder, or `"development-ca"` for the local
     * development CA (never in a production profile). See docs/deploying.md.
     */
    trustAnchors: z.array(z.string().min(1)).default([]),
    /** Require the document-signing extended key usage (RFC 9336) on the signer. */
    requireDocumentSigningEku: z.boolean().default(false),
    /** RFC 3161 time-stamping authority for PAdES B-T/B-LT signatures. */
    timestampAuthorityUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Sign without a time-stamp (B-B) when the authority does not answer; off: signing fails. */
    allowBaselineB: z.boolean().default(false),
    /**
     * The lowest PAdES level a signature may have; one that would fall short fails its signing
     * step (retried, then dead-lettered). Default: B-LT with a time-stamping authority, else B-B.
     */
    minimumLevel: z.enum(['B-B', 'B-T', 'B-LT']).optional(),
    /**
     * How AWS signs (docs/deploying.md): `short-lived-leaf` (KMS certifies an in-memory key once
     * per container) or `kms-per-document` (one KMS Sign per document, for districts whose policy
     * keeps every signature inside KMS). A deployment signing for several districts with one
     * key uses KMS per document when any of them asks for it.
     */
    mode: z.enum(['short-lived-leaf', 'kms-per-document']).default('short-lived-leaf'),
  }),
  sender: z.strictObject({
    /** SES-verified address the emails come from. */
    email: z.email(),
    name: z.string().min(1),
  }),
  delivery: z
    .strictObject({
      /** Attach the PDFs to emails (off by default: the link is access-logged, an attachment is not). */
      attachDocuments: z.boolean().default(false),
      /** Days a download link stays valid. */
      linkValidityDays: z.number().int().min(1).max(365).default(30),
    })
    .prefault({}),
  /** Notices of IEP team meetings (34 CFR 300.322). */
  meetings: z
    .strictObject({
      /** A notice issued fewer days than this before the meeting is flagged (300.322(a)(1)). */
      minimumNoticeDays: z.number().int().min(0).max(90).default(10),
    })
    .prefault({}),
  /**
   * The district's procedural safeguards notice (300.504): its version and one PDF per language
   * (paths relative to the profile's folder; stored in S3 under the district and version).
   */
  safeguards: z
    .strictObject({
      version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
      /** The first day of the district's school year, `MM-DD` (the notice is given once a year). */
      schoolYearStart: z
        .string()
        .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD')
        .default('07-01'),
      /** The notice's file per BCP 47 language; English is required (the fallback). */
      files: z
        .record(z.string().min(2), z.string().min(1))
        .refine((files) => 'en' in files, 'an English notice (en) is required: it is the fallback'),
    })
    .optional(),
});

/** A validated district profile. */
export type DistrictProfile = z.output<typeof districtProfileSchema>;

/** The profiles a deployment serves, by districtId. */
export class DistrictDirectory {
  readonly #profiles: Map<string, DistrictProfile>;

  constructor(profiles: Iterable<DistrictProfile>) {
    this.#profiles = new Map([...profiles].map((p) => [p.districtId, p]));
  }

  /** Parses raw profiles (from files or configuration), naming the profile and field that is wrong. */
  static parse(raw: readonly unknown[]): DistrictDirectory {
    return new DistrictDirectory(
      raw.map((r, i) => {
        const result = districtProfileSchema.safeParse(r);
        if (!result.success) {
          const detail = result.error.issues
            .map((issue) => `${issue.path.join('.') || '(profile)'}: ${issue.message}`)
            .join('; ');
          throw new Error(`district profile #${i + 1} is invalid: ${detail}`);
        }
        return result.data;
      }),
    );
  }

  /** The profile of `districtId`; throws {@link UnknownDistrict} when there is none. */
  get(districtId: string): DistrictProfile {
    const profile = this.#profiles.get(districtId);
    if (!profile) throw new UnknownDistrict(districtId);
    return profile;
  }

  has(districtId: string): boolean {
    return this.#profiles.has(districtId);
  }

  get ids(): string[] {
    return [...this.#profiles.keys()];
  }
}
