/**
 * The one-machine runtime's stream pollers, each wired as the stack's event source mapping is
 * (the contract's settings) and checkpointed in the state dir: decisions → render-documents,
 * meetings → meeting-notices, translations → render-translations. (The responses stream is
 * delivery's, beside the response page: delivery.ts.)
 */
import { join } from 'node:path';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import type { Log, OutcomeStore } from '../../functions/pipeline/ports.ts';
import type { RenderDecision } from '../../functions/pipeline/render-decision.ts';
import type { Pipeline } from '../../functions/platform/pipeline.ts';
import { decisionStreamMapping } from './decision-stream.ts';
import { meetingStreamMapping } from './meetings.ts';
import type { StreamPoller } from './stream-poller.ts';
import { translationStreamMapping } from './translations.ts';

/** The runtime's pollers. */
export interface PipelineStreams {
  decisions: StreamPoller;
  meetings: StreamPoller;
  translations: StreamPoller;
}

/** Builds the pollers of the decisions, meetings and translations streams. */
export async function pipelineStreams(
  pipeline: Pipeline,
  parts: {
    clients: AwsClients;
    names: ResourceNames;
    stateDir: string;
    log: Log;
    render: { service: RenderDecision; outcomes: OutcomeStore };
  },
): Promise<PipelineStreams> {
  const { clients, names, stateDir, log } = parts;
  const checkpointFile = (name: string) => join(stateDir, `${name}-checkpoints.json`);
  return {
    decisions: decisionStreamMapping({
      clients,
      decisionsTable: names.tables.decisions,
      ...parts.render,
      log,
      checkpointFile: checkpointFile('stream'),
    }),
    meetings: meetingStreamMapping({
      clients,
      meetingsTable: names.tables.meetings,
      service: (await pipeline.meetingNotices()).service,
      log,
      checkpointFile: checkpointFile('meeting-stream'),
    }),
    translations: translationStreamMapping({
      clients,
      translationsTable: names.tables.translations,
      service: (await pipeline.renderTranslation()).service,
      log,
      checkpointFile: checkpointFile('translation-stream'),
    }),
  };
}
