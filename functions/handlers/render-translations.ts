/**
 * Lambda entry point: the translations table's stream → the render-translations use case (a
 * translation written after its decision version was processed becomes that language's
 * documents and their delivery). A record that fails for a reason a retry can cure (the
 * version not processed yet, S3, DynamoDB, KMS, Chromium) is a batch item failure.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Log } from '../pipeline/ports.ts';
import type { RenderTranslation, TranslationRef } from '../pipeline/render-translation.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { streamItemHandler } from './partial-batch.ts';

export interface RenderTranslationsHandlerDeps {
  service: Pick<RenderTranslation, 'process'>;
  log: Log;
}

/** The translations item of a stream record (its key even when the item does not validate). */
export function translationItemOf(record: DynamoDBRecord): TranslationRef | undefined {
  const image = record.dynamodb?.NewImage;
  const keys = record.dynamodb?.Keys;
  if (!image || !keys) return undefined;
  const key = unmarshall(keys as Record<string, AttributeValue>);
  return {
    decisionId: String(key.decisionId),
    translationKey: String(key.translationKey),
    item: unmarshall(image as Record<string, AttributeValue>),
  };
}

/** Builds the handler around its dependencies (built once per container). */
export function makeRenderTranslationsHandler(deps: RenderTranslationsHandlerDeps) {
  return streamItemHandler({
    refOf: translationItemOf,
    process: (ref) => deps.service.process(ref),
    log: deps.log,
    failure: 'translation failed, will be retried',
    idsOf: (ref) => ({ decisionId: ref.decisionId, translationKey: ref.translationKey }),
  });
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { kmsSigner } = await import('../platform/aws-signer.ts');
  const { launchPrinter } = await import('../render/chromium.ts');
  const { loadDistrictDirectory } = await import('../adapters/district-files.ts');
  const { buildRenderTranslation } = await import('../platform/use-cases/render-translation.ts');
  const platform = awsPlatform({
    signer: kmsSigner,
    printer: launchPrinter,
    districts: loadDistrictDirectory,
  });
  const { service } = await buildRenderTranslation(platform);
  return makeRenderTranslationsHandler({ service, log: platform.log });
});
