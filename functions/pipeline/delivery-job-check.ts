/**
 * A delivery job must agree with the records it names: every document belongs to the job's
 * decision, version and district (a district-provided document to its district), and so does
 * the decision. A mis-built or forged message
 * would otherwise mail one student's IEP to another student's guardians.
 */
import { districtDocumentTypes } from '../core/documents.ts';
import type { DeliveryJob, DocumentRecord } from './ports.ts';

const isDistrictDocument = (type: string) =>
  (districtDocumentTypes as readonly string[]).includes(type);

/** The job names a record of another decision, version or district. Retrying cannot help. */
export class DeliveryJobMismatch extends Error {
  override readonly name = 'DeliveryJobMismatch';
}

/** Throws {@link DeliveryJobMismatch} naming (by id) each record that is not the job's. */
export function checkJobRecords(
  job: Pick<DeliveryJob, 'decisionId' | 'version' | 'districtId'>,
  decisionDistrictId: string,
  documents: readonly DocumentRecord[],
): void {
  const problems: string[] = [];
  if (decisionDistrictId !== job.districtId) {
    problems.push(`decision ${job.decisionId} belongs to another district than the job's`);
  }
  for (const d of documents) {
    // A district-provided document (its safeguards notice, given on an event of 300.504(a))
    // belongs to the district, not to a decision: it must be the job's district's.
    const own = isDistrictDocument(d.type);
    const differs = [
      !own && d.decisionId !== job.decisionId ? 'decision' : undefined,
      !own && d.version !== job.version ? 'version' : undefined,
      d.districtId !== job.districtId ? 'district' : undefined,
    ].filter(Boolean);
    if (differs.length > 0) problems.push(`document ${d.documentId}: other ${differs.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new DeliveryJobMismatch(
      `delivery job for ${job.decisionId} v${job.version} names records that are not its own: ${problems.join('; ')}`,
    );
  }
}
