#!/usr/bin/env node
// `npm start`: the pipeline on one machine (see infra/local/main.ts).
import { register } from 'tsx/esm/api';

// Lambda runs Node 22; on a Node 20 workstation the SDK's upgrade notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../infra/local/main.ts');
process.exitCode = await main(process.argv.slice(2));
