/**
 * `iep-docs overdue [--today DATE] [--json]`: the overdue report from the one-machine
 * runtime's saved state (`.local/runtime`), starting DynamoDB Local on it to read it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoCalendarStore } from '../../functions/adapters/dynamo-calendar.ts';
import { meetingNoticesOf } from '../../functions/adapters/dynamo-outcomes.ts';
import { overdueCommand } from '../../functions/cli/calendar.ts';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { ENV } from '../../functions/contract/environment.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import { overdueReport } from '../../functions/core/calendar.ts';
import { calendarDateIn, isCalendarDate } from '../../functions/core/dates.ts';
import { lateNoticeReport } from '../../functions/core/late-notices.ts';
import { emulatorClientConfig, startEmulators } from './emulators.ts';
import { provision } from './provision.ts';

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

export async function overdueLocal(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { today: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.today !== undefined && !isCalendarDate(values.today)) {
    io.stderr(`iep-docs overdue: --today must be a calendar date YYYY-MM-DD, got ${values.today}`);
    return 3;
  }
  const districts = loadDistrictDirectory(io.env[ENV.districtsDir] || undefined);
  const emulators = await startEmulators({ stateDir: resolve(projectStateDir(io.env), 'runtime') });
  const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
  try {
    const names = resourceNames('iep-local');
    await provision(clients, names);
    const store = new DynamoCalendarStore(clients.documents, names.tables.calendar);
    const overdue = [];
    const lateNotices = [];
    let reportDay = values.today ?? '';
    for (const districtId of districts.ids) {
      const today = values.today ?? calendarDateIn(new Date(), districts.get(districtId).timeZone);
      reportDay ||= today;
      overdue.push(...overdueReport(await store.entriesOfDistrict(districtId), today));
      const notices = await meetingNoticesOf(clients.documents, names.tables.outcomes, districtId);
      lateNotices.push(...lateNoticeReport(notices, today));
    }
    return overdueCommand({ today: reportDay, overdue, lateNotices }, { json: values.json }, io);
  } finally {
    clients.destroy();
    await emulators.stop();
  }
}
