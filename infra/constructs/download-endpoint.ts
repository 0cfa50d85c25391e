/**
 * The download endpoint of {@link Delivery}: the function parents' links and the verification
 * page reach, its REST API behind WAF (download-api.ts) and the grants it needs (links and
 * records read, the access log appended to, documents read).
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import type { DeliveryProps } from './delivery.ts';
import { DownloadApi } from './download-api.ts';
import { PipelineFunction } from './pipeline-function.ts';

/**
 * The download function and its API (the page parents open from their email).
 * Long because: one Lambda function and its URL with every property spelled out; the properties are
 * the point of the function.
 */
export function downloadEndpoint(scope: Construct, props: DeliveryProps) {
  const { data, operations, entries, config, defaults } = props;

  const download = new PipelineFunction(scope, 'Download', {
    defaults,
    entry: entries.download,
    description:
      'Download links: token → access log (300.614) → short presigned URL; the verification page',
    memorySize: 512,
    timeout: Duration.seconds(10),
    environment: {
      // The delivery stores are built together; the endpoint reads links and records and
      // writes the access log only.
      ...data.tableEnvironment([
        'decisions',
        'documents',
        'deliveries',
        'links',
        'accessLog',
        'meetings',
        'safeguards',
        'responses',
        'responseCodes',
      ]),
      [ENV.documentsBucket]: data.documentsBucket.bucketName,
      [ENV.presignedUrlMinutes]: String(config.presignedUrlMinutes),
      ...(config.downloadDomain
        ? { [ENV.downloadBaseUrl]: `https://${config.downloadDomain}` }
        : {}),
    },
  });
  data.tables.links.grantReadData(download.function);
  // A printed response code opens a session: a new link item (the adapter's transaction puts
  // it only where no item is, after checking the recipient's revocation marker).
  data.tables.links.grant(download.function, 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem');
  data.tables.documents.grantReadData(download.function);
  // A link opens only while its version is in force: the decision's versions, read.
  data.tables.decisions.grant(download.function, 'dynamodb:Query');
  // A meeting notice's link opens while its revision is the meeting's newest.
  data.tables.meetings.grant(download.function, 'dynamodb:Query');
  // 300.614's record is append-only: PutItem (the adapter's attribute_not_exists condition
  // refuses an existing key), never UpdateItem, DeleteItem or BatchWriteItem.
  data.tables.accessLog.grant(download.function, 'dynamodb:PutItem');
  // Parents' answers (issue #19) are append-only: PutItem with attribute_not_exists, read per
  // recipient and version by Query; never UpdateItem or DeleteItem (no PDF is made here).
  data.tables.responses.grant(download.function, 'dynamodb:PutItem', 'dynamodb:Query');
  // The one-time code and its wrong-try counter: one item per link, conditional puts.
  data.tables.responseCodes.grant(download.function, 'dynamodb:GetItem', 'dynamodb:PutItem');
  data.grantTableKey(download.function);
  // Presigned GETs are signed with the function's role: it may read documents only.
  data.grantDocumentRead(download.function, 'districts/');

  const downloadApi = new DownloadApi(scope, 'DownloadApi', {
    handler: download.function,
    config,
    logKey: operations.key,
    logRetention: defaults.logRetention,
  });
  const baseUrl = downloadApi.baseUrl;
  // Pages link each document under this URL.
  download.function.addEnvironment(ENV.downloadBaseUrl, baseUrl);
  operations.watchFunctionErrors(
    'DownloadErrorsAlarm',
    download.function,
    'the download endpoint failed: parents following a link get an error page',
  );
  return { download, api: downloadApi, baseUrl };
}
