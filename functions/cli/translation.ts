/**
 * `iep-docs translation export FILE --language es > x.xlf` and
 * `iep-docs translation import FILE x.xlf --language es > translation.json`: the district's
 * translation office works in XLIFF 2.0 with its usual tools; what comes back is checked,
 * unit by unit, before it becomes a translations item.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { DynamoTranslations } from '../adapters/dynamo-translations.ts';
import { languageTag } from '../core/decision.ts';
import { describeProblem } from '../core/problems.ts';
import type { TranslationItem } from '../core/translation.ts';
import { loadDecisionFile } from './load.ts';
import type { CliIo } from './main.ts';
import { exportXliff, importXliff } from './xliff.ts';

const USAGE = `usage: iep-docs translation export FILE --language TAG      (XLIFF 2.0 on stdout)
       iep-docs translation import FILE XLIFF --language TAG (translations item JSON on stdout)
             [--table NAME]  write the item into the translations table instead
                             (the stack's TranslationsTableName; region from AWS_REGION)`;

/**
 * Runs `translation export|import`; returns the exit code (0, 2 invalid input, 3 usage or I/O,
 * 4 the table refused the item). `deps.db`: the DynamoDB client to write with (tests).
 */
export async function translationCommand(
  args: string[],
  io: CliIo,
  deps: { db?: DynamoDBDocument } = {},
): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    io.stderr(`iep-docs translation: ${(error as Error).message}`);
    io.stderr(USAGE);
    return 3;
  }
  const { action, file, xliff, language } = parsed;
  const loaded = await loadDecisionFile(file);
  if (loaded.kind === 'io-error') {
    io.stderr(`${file}: ${loaded.message}`);
    return 3;
  }
  if (loaded.kind === 'invalid') {
    for (const p of loaded.problems) io.stderr(`${file}: ${describeProblem(p)}`);
    return 2;
  }
  if (action === 'export') {
    try {
      io.stdout(exportXliff(loaded.decision, language).trimEnd());
    } catch (error) {
      io.stderr(`${file}: ${(error as Error).message}`);
      return 2;
    }
    return 0;
  }
  let xml: string;
  try {
    xml = await readFile(xliff as string, 'utf8');
  } catch (error) {
    io.stderr(
      `${xliff}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
    return 3;
  }
  const result = importXliff(xml, loaded.decision, language);
  if (result.kind === 'rejected') {
    for (const p of result.problems) io.stderr(`${xliff}: ${describeProblem(p)}`);
    return 2;
  }
  const { table } = parsed;
  if (!table) {
    io.stdout(JSON.stringify(result.item, null, 2));
    return 0;
  }
  return writeToTable(table, result.item, io, deps);
}

/** Writes the checked item into the translations table, where render-translations picks it up. */
async function writeToTable(
  table: string,
  item: TranslationItem,
  io: CliIo,
  deps: { db?: DynamoDBDocument },
): Promise<number> {
  const region = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!deps.db && !region) {
    io.stderr('iep-docs translation import: no AWS region: set AWS_REGION');
    return 3;
  }
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const owned = deps.db ? undefined : createAwsClients({ region: region as string });
  try {
    await new DynamoTranslations(
      deps.db ?? (owned as NonNullable<typeof owned>).documents,
      table,
    ).put(item);
  } catch (error) {
    io.stderr(`iep-docs translation import: ${table}: ${(error as Error).message}`);
    return 4;
  } finally {
    owned?.destroy();
  }
  io.stdout(
    `wrote the ${item.language} translation of ${item.decisionId} v${item.version} into ${table}`,
  );
  return 0;
}

function parseOptions(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: { language: { type: 'string' }, table: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, file, xliff, ...extra] = positionals;
  if (action !== 'export' && action !== 'import') throw new Error('export or import?');
  const wanted = action === 'export' ? 1 : 2;
  if (
    !file ||
    (action === 'import' && !xliff) ||
    extra.length > 0 ||
    (action === 'export' && xliff)
  )
    throw new Error(`${action}: expected ${wanted === 1 ? 'FILE' : 'FILE XLIFF'}`);
  if (!values.language) throw new Error(`${action}: --language TAG is required`);
  if (!languageTag.safeParse(values.language).success)
    throw new Error(`--language ${values.language}: not a BCP 47 language tag`);
  if (values.table !== undefined && action !== 'import')
    throw new Error('--table: only for import');
  return { action, file, xliff, language: values.language, table: values.table } as const;
}
