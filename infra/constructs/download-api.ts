/**
 * The public download API: download links (`/d/…`) and the "Is this copy genuine?" page
 * (`/verify…`), one Lambda behind a regional REST API with a WAF web ACL whose rate-based rules
 * limit each client (source IP); the stage's throttle still caps the whole API. A REST API
 * rather than an HTTP API because WAF attaches to REST stages (and CloudFront), not to HTTP
 * APIs: docs/security.md gives the decision.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  BasePathMapping,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  type ClientRateLimit,
  DOWNLOAD_API_LIMITS,
} from '../../functions/contract/download-api.ts';
import type { DeploymentConfig } from '../config.ts';

export interface DownloadApiProps {
  readonly handler: IFunction;
  readonly config: DeploymentConfig;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
}

/** The stage every route is deployed to (its name is in the execute-api URL). */
export const DOWNLOAD_STAGE = 'links';

/** A WAF rate-based rule blocking one client (IP) above `limit`. */
function rateRule(name: string, priority: number, limit: ClientRateLimit): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { block: { customResponse: { responseCode: 429 } } },
    statement: {
      rateBasedStatement: {
        limit: limit.requests,
        evaluationWindowSec: limit.windowSeconds,
        ...(limit.per === 'path'
          ? {
              // One link's page (the token is in the path) counted over every address.
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ uriPath: { textTransformations: [{ priority: 0, type: 'NONE' }] } }],
            }
          : { aggregateKeyType: 'IP' }),
        ...(limit.pathPrefix
          ? {
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: limit.match === 'ends-with' ? 'ENDS_WITH' : 'CONTAINS',
                  searchString: limit.pathPrefix,
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            }
          : {}),
      },
    },
    visibilityConfig: {
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: false,
    },
  };
}

/** The REST API, its stage, custom domain (when configured) and web ACL. */
export class DownloadApi extends Construct {
  readonly api: RestApi;
  readonly webAcl: CfnWebACL;
  /** Base URL of the endpoint, no trailing slash. */
  readonly baseUrl: string;

  // Long because: the construct's resources, grants and alarms, declared in the order each needs
  // the one before; each block is a few lines of CDK properties, and helpers would only pass the
  // half-built construct around.
  constructor(scope: Construct, id: string, props: DownloadApiProps) {
    super(scope, id);
    const { config } = props;
    const customDomain = Boolean(config.downloadDomain && config.downloadCertificateArn);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'iep-docs download links and the "Is this copy genuine?" page',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // With a custom domain, the execute-api host would be a second door around it.
      disableExecuteApiEndpoint: customDomain,
      // The upload form's body reaches the function intact (base64).
      binaryMediaTypes: ['multipart/form-data'],
      cloudWatchRole: false,
      deployOptions: {
        stageName: DOWNLOAD_STAGE,
        throttlingRateLimit: config.downloadRateLimit,
        throttlingBurstLimit: config.downloadBurstLimit,
        tracingEnabled: true,
        // No execution logs: they would carry the path, and the token is the credential.
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // No path in the access log either. The resource path names the route.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            route: '$context.resourcePath',
            method: '$context.httpMethod',
            status: '$context.status',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            latencyMs: '$context.responseLatency',
            waf: '$context.waf.status',
          }),
        ),
      },
    });
    const integration = new LambdaIntegration(props.handler);
    const links = this.api.root.addResource('d').addResource('{token}');
    links.addMethod('GET', integration);
    links.addResource('{documentId}').addMethod('GET', integration);
    // The response page (issue #19): the form, the answer, the code request.
    const respond = links.addResource('respond');
    respond.addMethod('GET', integration);
    respond.addMethod('POST', integration);
    respond.addResource('code').addMethod('POST', integration);
    // The short address printed in postal letters: a response code opens the response page.
    const printedCode = this.api.root.addResource('r');
    printedCode.addMethod('GET', integration);
    printedCode.addMethod('POST', integration);
    const verify = this.api.root.addResource('verify');
    verify.addMethod('GET', integration);
    verify.addMethod('POST', integration);
    verify.addResource('{code}').addMethod('GET', integration);

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description:
        'Per-client rate limits of the download API - functions/contract/download-api.ts',
      rules: [
        rateRule('PerClient', 0, DOWNLOAD_API_LIMITS.perClient),
        rateRule('VerifyPerClient', 1, DOWNLOAD_API_LIMITS.verifyPerClient),
        rateRule('RespondPerClient', 2, DOWNLOAD_API_LIMITS.respondPerClient),
        rateRule('RespondPerLink', 3, DOWNLOAD_API_LIMITS.respondPerLink),
        rateRule('PrintedCodePerClient', 4, DOWNLOAD_API_LIMITS.printedCodePerClient),
      ],
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'DownloadApi',
        sampledRequestsEnabled: false,
      },
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    if (customDomain && config.downloadDomain && config.downloadCertificateArn) {
      const domain = new DomainName(this, 'Domain', {
        domainName: config.downloadDomain,
        certificate: Certificate.fromCertificateArn(
          this,
          'Certificate',
          config.downloadCertificateArn,
        ),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new BasePathMapping(this, 'Mapping', { domainName: domain, restApi: this.api });
      this.baseUrl = `https://${config.downloadDomain}`;
    } else {
      const stack = Stack.of(this);
      this.baseUrl = `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${DOWNLOAD_STAGE}`;
    }
  }
}
