/**
 * Builds the stack in process for the infra tests: every handler wired, bundling skipped through the `aws:cdk:bundling-stacks`
 * context so that a test file builds its stack in seconds.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deploymentConfig } from '../../infra/config.ts';
import { type HandlerEntries, handlerEntries } from '../../infra/handlers.ts';
import { IepDocsStack } from '../../infra/stack.ts';
import { applySuppressions } from '../../infra/suppressions.ts';

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every handler of the tree. */
export function allHandlers(): HandlerEntries {
  return handlerEntries(projectRoot);
}

/** The context of cdk.json (its feature flags above all), as `cdk synth` applies it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** A built test stack and its template. */
export interface BuiltStack {
  app: App;
  stack: IepDocsStack;
  template: Template;
}

/** Builds a stack with context values (as `-c key=value` would give) and the given handlers. */
export function buildStack(
  context: Record<string, unknown> = {},
  handlers: HandlerEntries = allHandlers(),
): BuiltStack {
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  const config = deploymentConfig((key) => app.node.tryGetContext(key), projectRoot);
  const stack = new IepDocsStack(app, 'Test', { config, projectRoot, handlers });
  applySuppressions(stack);
  return { app, stack, template: Template.fromStack(stack) };
}
