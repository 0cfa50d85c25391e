/**
 * The command line of `npm start` (infra/local/main.ts): its usage text, and its options read
 * and checked before anything starts.
 */
import { parseArgs } from 'node:util';
import { isCalendarDate } from '../../functions/core/dates.ts';

/** The decision files written when `--decisions` is not given (from the project root). */
export const DEFAULT_DECISIONS = 'samples/decisions/*.json';

export const USAGE = `usage: npm start -- [--decisions GLOB] [--once] [--fresh] [--json] [--out DIR] [--today YYYY-MM-DD]

  --decisions GLOB  decision files to write into the decisions table (default: ${DEFAULT_DECISIONS})
  --once            exit when every decision is processed (default: keep running until Ctrl-C)
  --fresh           start from empty tables and bucket (state lives in .local/)
  --json            print the summary as one JSON document on stdout (logs go to stderr)
  --out DIR         where local copies of the documents go (default: out/)
  --today DATE      run the daily compliance sweep as of this date (default: today in each district)
  LOG_LEVEL=debug   more logs on stderr`;

/**
 * The command line's options, or the exit code when there is nothing to run: 0 for --help,
 * 3 for a bad option (the usage printed).
 */
export function readArgs(argv: string[]) {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      options: {
        decisions: { type: 'string' },
        once: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        today: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`iep-local: ${(error as Error).message}\n${USAGE}\n`);
    return 3;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { today } = args.values;
  if (today !== undefined && !isCalendarDate(today)) {
    process.stderr.write(
      `iep-local: --today must be a calendar date YYYY-MM-DD, got ${today}\n${USAGE}\n`,
    );
    return 3;
  }
  return args.values;
}
