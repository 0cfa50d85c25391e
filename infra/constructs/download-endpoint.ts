/**
 * The download endpoint of {@link Delivery}: the function parents' links reach, its HTTP API
 * (throttled, access-logged, the execute-api host disabled behind a custom domain) and the
 * grants it needs (links and records read, the access log appended to, documents read).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../../functions/contract/environment.ts';
import type { DeliveryProps } from './delivery.ts';
import { PipelineFunction } from './pipeline-function.ts';

/** The download function and its HTTP API (the page parents open from their email). */
export function downloadEndpoint(scope: Construct, props: DeliveryProps) {
  const { data, operations, entries, config, defaults } = props;
  const stack = Stack.of(scope);

  const download = new PipelineFunction(scope, 'Download', {
    defaults,
    entry: entries.download,
    description: 'Download links: token → access log (300.614) → short presigned URL',
    memorySize: 512,
    timeout: Duration.seconds(10),
    environment: {
      // The delivery stores are built together; the endpoint reads links and records and
      // writes the access log only.
      ...data.tableEnvironment(['decisions', 'documents', 'deliveries', 'links', 'accessLog']),
      [ENV.documentsBucket]: data.documentsBucket.bucketName,
      [ENV.presignedUrlMinutes]: String(config.presignedUrlMinutes),
      ...(config.downloadDomain
        ? { [ENV.downloadBaseUrl]: `https://${config.downloadDomain}` }
        : {}),
    },
  });
  data.tables.links.grantReadData(download.function);
  data.tables.documents.grantReadData(download.function);
  // A link opens only while its version is in force: the decision's versions, read.
  data.tables.decisions.grant(download.function, 'dynamodb:Query');
  // 300.614's record is append-only: PutItem (the adapter's attribute_not_exists condition
  // refuses an existing key), never UpdateItem, DeleteItem or BatchWriteItem.
  data.tables.accessLog.grant(download.function, 'dynamodb:PutItem');
  data.grantTableKey(download.function);
  // Presigned GETs are signed with the function's role: it may read documents only.
  data.grantDocumentRead(download.function, 'districts/');

  const customDomain = Boolean(config.downloadDomain && config.downloadCertificateArn);
  const api = new HttpApi(scope, 'DownloadApi', {
    description: 'iep-docs download links',
    createDefaultStage: false,
    // With a custom domain, the execute-api host would be a second door around it.
    disableExecuteApiEndpoint: customDomain,
  });
  const integration = new HttpLambdaIntegration('DownloadIntegration', download.function);
  for (const path of ['/d/{token}', '/d/{token}/{documentId}']) {
    api.addRoutes({ path, methods: [HttpMethod.GET], integration });
  }
  const accessLogs = new LogGroup(scope, 'DownloadAccessLogs', {
    encryptionKey: operations.key,
    retention: defaults.logRetention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const domainName =
    customDomain && config.downloadDomain && config.downloadCertificateArn
      ? new DomainName(scope, 'DownloadDomain', {
          domainName: config.downloadDomain,
          certificate: Certificate.fromCertificateArn(
            scope,
            'DownloadCertificate',
            config.downloadCertificateArn,
          ),
        })
      : undefined;
  new HttpStage(scope, 'DownloadStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: config.downloadRateLimit, burstLimit: config.downloadBurstLimit },
    // No path in the access log: the token is the credential. Route key names the route.
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          sourceIp: '$context.identity.sourceIp',
          userAgent: '$context.identity.userAgent',
          latencyMs: '$context.responseLatency',
        }),
      ),
    },
    ...(domainName ? { domainMapping: { domainName } } : {}),
  });
  const baseUrl = config.downloadDomain
    ? `https://${config.downloadDomain}`
    : `https://${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  // Pages link each document under this URL.
  download.function.addEnvironment(ENV.downloadBaseUrl, baseUrl);
  operations.watchFunctionErrors(
    'DownloadErrorsAlarm',
    download.function,
    'the download endpoint failed: parents following a link get an error page',
  );
  return { download, api, baseUrl };
}
