/**
 * One local regeneration worker (forked by `iep-docs regenerate`): its own warm printer and
 * the same regenerate use case the SQS handler runs, against the emulators.
 */
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import type { RegenerateItem, RegenerateResult } from '../../functions/pipeline/regenerate.ts';
import { regenerateService } from '../../functions/platform/regenerate-wiring.ts';
import { type EmulatorEndpoints, emulatorClientConfig } from './emulators.ts';
import { jsonLog } from './log.ts';
import { localCliContext } from './time-stamping-authority.ts';
import { serveTasks } from './workers.ts';

/** What the parent hands each worker. */
export interface RegenerateWorkerInit {
  endpoints: EmulatorEndpoints;
  names: ResourceNames;
}

await serveTasks<RegenerateWorkerInit, RegenerateItem, RegenerateResult>(
  async ({ endpoints, names }) => {
    const log = jsonLog('warn', (line) => process.stderr.write(`${line}\n`));
    const cli = localCliContext(process.env, (line) => log.warn(line));
    const engine = await cli.engine();
    const clients = createAwsClients(emulatorClientConfig(endpoints));
    const service = await regenerateService({
      clients,
      tables: {
        decisions: names.tables.decisions,
        documents: names.tables.documents,
        runs: names.tables.runs,
        translations: names.tables.translations,
      },
      bucket: names.buckets.documents,
      engine,
      districts: cli.districts,
      log,
      clock: () => new Date(),
    });
    return {
      run: (item) => service.process(item),
      close: async () => {
        await cli.close();
        clients.destroy();
      },
    };
  },
);
