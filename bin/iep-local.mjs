#!/usr/bin/env node
// `npm start`: the pipeline on one machine (see infra/local/main.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../infra/local/main.ts');
process.exitCode = await main(process.argv.slice(2));
