/**
 * `iep-docs safeguards --student KEY [--district ID] [--json]`: every giving of the procedural
 * safeguards notice (34 CFR 300.504) to a student's family, from the one-machine runtime's
 * saved state (`.local/runtime`). KEY is the student's key (`stu_…`, as stored) or, with the
 * district (needed only when several are configured), the district's student id, from which
 * the key is computed as the runtime computes it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoSafeguardsStore } from '../../functions/adapters/dynamo-meetings.ts';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { ENV } from '../../functions/contract/environment.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import { studentKey } from '../../functions/core/calendar.ts';
import { safeguardsEventCfr } from '../../functions/core/safeguards.ts';
import { emulatorClientConfig, startEmulators } from './emulators.ts';
import { provision } from './provision.ts';

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: iep-docs safeguards --student KEY [--district ID] [--json]';

/** The student's key from the argument: as given (`stu_…`), or computed from a student id. */
export function keyOf(
  student: string,
  district: string | undefined,
  districtIds: string[],
): string {
  if (/^stu_[0-9a-f]{32}$/.test(student)) return student;
  const districtId = district ?? (districtIds.length === 1 ? districtIds[0] : undefined);
  if (!districtId)
    throw new RangeError(
      `--district is needed with a student id (districts: ${districtIds.join(', ')})`,
    );
  if (!districtIds.includes(districtId))
    throw new RangeError(`no district profile for ${districtId}`);
  return studentKey(districtId, student);
}

export async function safeguardsLocal(argv: string[], io: Io): Promise<number> {
  let values: { student?: string; district?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        student: { type: 'string' },
        district: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`iep-docs safeguards: ${(error as Error).message}\n${USAGE}`);
    return 3;
  }
  if (!values.student) {
    io.stderr(`iep-docs safeguards: --student is required\n${USAGE}`);
    return 3;
  }
  const districts = loadDistrictDirectory(io.env[ENV.districtsDir] || undefined);
  let key: string;
  try {
    key = keyOf(values.student, values.district, districts.ids);
  } catch (error) {
    io.stderr(`iep-docs safeguards: ${(error as Error).message}`);
    return 3;
  }
  const emulators = await startEmulators({ stateDir: resolve(projectStateDir(io.env), 'runtime') });
  const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
  try {
    const names = resourceNames('iep-local');
    await provision(clients, names);
    const givings = await new DynamoSafeguardsStore(
      clients.documents,
      names.tables.safeguards,
    ).forStudent(key);
    if (values.json) io.stdout(JSON.stringify({ studentKey: key, givings }));
    else {
      if (givings.length === 0) io.stdout(`${key}: no procedural safeguards notice recorded`);
      for (const g of givings)
        io.stdout(
          `${g.givenOn}  ${g.recipientId}  ${g.event} (34 CFR ${safeguardsEventCfr[g.event]})  ${g.language}, version ${g.version}  ${g.channel}  school year ${g.schoolYear}${g.translationNeeded ? `  translation needed: ${g.translationNeeded}` : ''}`,
        );
    }
    return 0;
  } finally {
    clients.destroy();
    await emulators.stop();
  }
}
