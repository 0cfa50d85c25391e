/**
 * One Lambda function of the pipeline, built the same way every time: Node.js 22 on x86_64,
 * bundled by the local esbuild (never Docker) as ESM, templates and district profiles copied
 * beside the code, its own KMS-encrypted log group with retention, structured JSON logs, and
 * its own role that may write only to that log group (permissions to data are granted by the
 * construct that wires it, one grant per resource it uses).
 */

import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  type ILayerVersion,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/contract/environment.ts';

/** Where bundled files land inside the function's code (/var/task). */
const TASK_ROOT = '/var/task';

/**
 * NODE_OPTIONS of the functions that print with Chromium (render-documents, regenerate, the
 * sweep). Chromium's browser and renderer processes live beside Node in the function's memory
 * and take most of it; Node's own live heap is ~40 MB (measured for the local workers, whose
 * WORKER_V8_FLAGS in infra/local/workers.ts cap them at 128 MB old space and 8 MB semi-spaces to
 * keep resident memory flat). A Lambda container also holds the SDK clients, Powertools and a
 * batch of records, so the caps here are looser: 384 MB old space (~8 × the live heap) and
 * 16 MB semi-spaces, ~430 MB of a 2,048 MB function, the rest left to Chromium. Without them V8
 * would size itself from the whole function (Lambda's bootstrap: ~1.8 GB old space, ~100 MB
 * semi-spaces) and grow into Chromium's memory before collecting.
 */
export const RENDER_NODE_OPTIONS =
  '--enable-source-maps --max-old-space-size=384 --max-semi-space-size=16';

/**
 * The exec wrapper that lets NODE_OPTIONS' V8 limits apply: Lambda's bootstrap passes its own
 * limits as command-line flags, which override NODE_OPTIONS; the wrapper drops them.
 */
export const V8_LIMITS_WRAPPER = 'v8-limits.sh';
const V8_LIMITS_SOURCE = fileURLToPath(new URL(`./assets/${V8_LIMITS_WRAPPER}`, import.meta.url));

/** A font package and the weights a function prints with. */
export interface FontPackage {
  readonly pkg: string;
  readonly weights: readonly number[];
}

/** What every function of one deployment shares. */
export interface FunctionDefaults {
  /** Repository root (holds package-lock.json, templates/, node_modules/). */
  readonly projectRoot: string;
  /** Folder of the district profiles to bundle. */
  readonly districtProfilesDir: string;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** What one function needs. */
export interface PipelineFunctionProps {
  readonly defaults: FunctionDefaults;
  /** The handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  readonly layers?: ILayerVersion[];
  /** Modules left out of the bundle (provided by a layer). */
  readonly externalModules?: string[];
  /**
   * Font packages read at run time (`functions/render/fonts.ts`): only their package.json, the
   * CSS of the weights used and those weights' woff2 files are copied into node_modules beside
   * the code (the whole CJK packages would not fit Lambda's 250 MB).
   */
  readonly fonts?: readonly FontPackage[];
  /** Dead-letter queue for failed asynchronous invocations (scheduler, EventBridge). */
  readonly deadLetterQueue?: IQueue;
  /**
   * NODE_OPTIONS with V8 heap limits (e.g. {@link RENDER_NODE_OPTIONS}); the function then starts
   * through the {@link V8_LIMITS_WRAPPER} so that they apply. Default: source maps only.
   */
  readonly nodeOptions?: string;
}

/** Shell-quotes a path for the bundling hook commands (they run locally, never in Docker). */
const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;

/** A pipeline function with its log group and role. */
export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  // Long because: the construct's resources, grants and alarms, declared in the order each needs
  // the one before; each block is a few lines of CDK properties, and helpers would only pass the
  // half-built construct around.
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { defaults } = props;
    this.logGroup = new LogGroup(this, 'Logs', {
      encryptionKey: defaults.logKey,
      retention: defaults.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: logs only to this log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `iep-docs ${id}: least privilege, granted per resource`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );

    const fonts = props.fonts ?? [];
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Lambda drops JSON log lines below this level; Powertools reads the same setting.
      applicationLogLevelV2: ApplicationLogLevel[defaults.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      layers: props.layers ?? [],
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      projectRoot: defaults.projectRoot,
      depsLockFilePath: `${defaults.projectRoot}/package-lock.json`,
      environment: {
        [ENV.serviceName]: SERVICE_NAME,
        [ENV.metricsNamespace]: METRICS_NAMESPACE,
        [ENV.logLevel]: defaults.logLevel,
        [ENV.templatesDir]: `${TASK_ROOT}/templates/`,
        [ENV.districtsDir]: `${TASK_ROOT}/districts/`,
        NODE_OPTIONS: props.nodeOptions ?? '--enable-source-maps',
        ...(props.nodeOptions
          ? { AWS_LAMBDA_EXEC_WRAPPER: `${TASK_ROOT}/${V8_LIMITS_WRAPPER}` }
          : {}),
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        sourceMap: true,
        sourcesContent: false,
        // Minified (smaller to load: docs/scale.md); stack traces map back through the source
        // map (NODE_OPTIONS --enable-source-maps); names kept for errors and SDK classes.
        minify: true,
        keepNames: true,
        // esbuild's size summary flags every bundle over 1 MB; the sizes are in docs/scale.md.
        logLevel: LogLevel.WARNING,
        externalModules: props.externalModules ?? [],
        // Bundled CommonJS packages call require(); give the ESM bundle one.
        banner:
          "import { createRequire as __iepCreateRequire } from 'node:module'; const require = __iepCreateRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -R ${quote(`${inputDir}/templates`)} ${quote(`${outputDir}/templates`)}`,
            `mkdir -p ${quote(`${outputDir}/districts`)}`,
            `cp ${quote(defaults.districtProfilesDir)}/*.json ${quote(`${outputDir}/districts/`)}`,
            // Lambda executes the wrapper: it must keep its mode in the asset (CDK zips modes).
            ...(props.nodeOptions
              ? [
                  `cp ${quote(V8_LIMITS_SOURCE)} ${quote(`${outputDir}/${V8_LIMITS_WRAPPER}`)}`,
                  `chmod 755 ${quote(`${outputDir}/${V8_LIMITS_WRAPPER}`)}`,
                ]
              : []),
            ...fonts.flatMap(({ pkg, weights }) => {
              const from = `${inputDir}/node_modules/${pkg}`;
              const to = `${outputDir}/node_modules/${pkg}`;
              return [
                `mkdir -p ${quote(`${to}/files`)}`,
                `cp ${quote(`${from}/package.json`)} ${quote(`${to}/`)}`,
                ...weights.flatMap((weight) => [
                  `cp ${quote(`${from}/${weight}.css`)} ${quote(`${to}/`)}`,
                  `cp ${quote(`${from}/files`)}/*-${weight}-normal.woff2 ${quote(`${to}/files/`)}`,
                ]),
              ];
            }),
          ],
        },
      },
    });
  }
}
