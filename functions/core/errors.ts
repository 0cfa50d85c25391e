/** The decision names a district this deployment has no profile for. Not retried. */
export class UnknownDistrict extends Error {
  override readonly name = 'UnknownDistrict';
  constructor(readonly districtId: string) {
    super(`no district profile for districtId ${districtId}`);
  }
}
