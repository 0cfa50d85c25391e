/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy -c name=value …` (see docs/deploying.md).
 * Synthesizes offline, with no AWS credentials and no Docker: the stack is environment-agnostic
 * unless CDK_DEFAULT_ACCOUNT/REGION are set (as `cdk deploy` does with credentials).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { deploymentConfig } from './config.ts';
import { handlerEntries } from './handlers.ts';
import { IepDocsStack } from './stack.ts';
import { applySuppressions } from './suppressions.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
const config = deploymentConfig((key) => app.node.tryGetContext(key), projectRoot);
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'IepDocs';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const stack = new IepDocsStack(app, stackName, {
  config,
  projectRoot,
  handlers: handlerEntries(projectRoot),
  ...(account && region ? { env: { account, region } } : {}),
  description: 'iep-docs: IEP decisions → signed PDF documents, delivery and compliance calendar',
});
applySuppressions(stack);
// Security reviewers run these packs; so does every synth (an unacknowledged error fails it).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
