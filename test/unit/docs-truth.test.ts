/**
 * The README and the docs state figures that live in the code: the stream's retry count, the
 * exit codes, the fields of `npm start --json`. These tests read the prose and fail when it
 * drifts from the code (or the code from it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSummary } from '../../infra/local/main.ts';
import type { SummaryDecision } from '../../infra/local/runtime.ts';
import { streamMappingDefaults } from '../../infra/local/stream-poller.ts';
import { STREAM_RETRY_ATTEMPTS } from '../../infra/retries.ts';

const root = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };
const asNumber = (text: string) => WORDS[text.toLowerCase()] ?? Number(text);

/** The codes a sentence lists: every `N` (backticked or after "exit codes:"). */
function codesIn(sentence: string): number[] {
  return [...sentence.matchAll(/`(\d)`|(?:^|[:,;]\s*)(\d)\s/g)]
    .map((m) => Number(m[1] ?? m[2]))
    .sort();
}

describe('the docs agree with the code', () => {
  it('state the stream retry count the stack and the local runtime use', () => {
    expect(streamMappingDefaults.maxRetryAttempts).toBe(STREAM_RETRY_ATTEMPTS);
    const stated: { file: string; count: number }[] = [];
    for (const file of docs) {
      const text = read(file).replace(/\s+/g, ' ');
      for (const m of text.matchAll(/after (\w+) retries|retried (\w+) times/gi))
        stated.push({ file, count: asNumber((m[1] ?? m[2]) as string) });
    }
    expect(stated.map((s) => s.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/deploying.md']),
    );
    expect(stated.filter((s) => s.count !== STREAM_RETRY_ATTEMPTS)).toEqual([]);
  });

  it("list iep-docs' exit codes as its usage text does", () => {
    const readme = read('README.md').replace(/\s+/g, ' ');
    const documented = /Exit codes: (.*?) Results go to stdout/.exec(readme)?.[1] ?? '';
    const usage = /exit codes: ([^`]*)`/.exec(read('functions/cli/main.ts'))?.[1] ?? '';
    expect(codesIn(documented)).toEqual(
      [...usage.matchAll(/(\d) /g)].map((m) => Number(m[1])).sort(),
    );
  });

  it("list npm start's exit codes, every one its main returns", () => {
    const readme = read('README.md').replace(/\s+/g, ' ');
    const documented = /Exit codes of `npm start`: (.*?)\. /.exec(readme)?.[1] ?? '';
    const returned = new Set(
      [...read('infra/local/main.ts').matchAll(/return (\d);/g)].map((m) => Number(m[1])),
    );
    expect(codesIn(documented)).toEqual([...returned].sort());
    expect(codesIn(documented)).toContain(4);
  });

  it('name every field of the --json summary, and no field it does not have', () => {
    const full: SummaryDecision = {
      file: 'a.json',
      decisionId: 'd',
      version: 1,
      outcome: 'documents-ready',
      reason: 'r',
      problems: [{ path: 'p', message: 'm', cfr: '300.320' }],
      translationNeeded: [],
      flags: [{ path: 'scheduledFor', message: 'm', cfr: '300.322(a)(1)' }],
      translationPending: [],
      inForce: true,
      withdrawnAt: '2026-01-01T00:00:00Z',
      documents: [
        {
          documentId: 'doc',
          type: 'iep',
          language: 'en',
          s3Key: 'k',
          s3Uri: 's3://b/k',
          sha256: 'h',
          bytes: 1,
          pages: 1,
          state: 'created',
          localPath: '/out/x.pdf',
        },
      ],
      deliveries: [
        {
          kind: 'decision-documents',
          recipientId: 'G-1',
          channel: 'postal',
          language: 'en',
          subject: 's',
          link: null,
          state: 'pending-mail',
          printedCode: '7K3M-Q9TB-XR4D-2HNC',
          postalKey: 'k',
          postalUri: 's3://b/k',
          localPath: '/out/postal/x.pdf',
          notes: ['n'],
          safeguards: {
            event: 'annual',
            schoolYear: '2026-2027',
            language: 'en',
            version: 'v',
            translationNeeded: 'x',
          },
        },
      ],
      notices: [],
    };
    const summary = jsonSummary([full], [{ file: 'f', message: 'm' }], {
      once: false,
      mailbox: 'http://127.0.0.1:1/',
      downloadBaseUrl: 'http://127.0.0.1:2',
      verifyUrl: 'http://127.0.0.1:2/verify',
      sweep: {
        reminders: [
          {
            decisionId: 'd',
            entry: 'annual-review',
            recipientId: 'G-1',
            dueDate: '2027-01-01',
            sendOn: '2026-12-01',
            state: 'sent',
          },
        ],
        overdue: [{ decisionId: 'd', entry: 'annual-review', dueDate: '2027-01-01' }],
        lateNotices: [
          {
            meetingId: 'm',
            revision: 1,
            meetingDate: '2027-01-10',
            issuedOn: '2027-01-05',
            leadDays: 5,
            minimumDays: 10,
            cfr: '300.322(a)(1)',
          },
        ],
      },
    });
    const keys = new Set<string>();
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object')
        for (const [key, inner] of Object.entries(value)) {
          keys.add(key);
          collect(inner);
        }
    };
    collect(summary);
    const readme = read('README.md');
    const section = /With `--json` \(one JSON document[\s\S]*?\n\n/.exec(readme)?.[0] ?? '';
    const documented = new Set(
      [...section.matchAll(/`([a-zA-Z][a-zA-Z0-9]*)(?:\[\])?`/g)]
        .map((m) => m[1] as string)
        .filter((name) => name !== 'json'),
    );
    expect([...keys].filter((k) => !documented.has(k)).sort()).toEqual([]);
    expect([...documented].filter((k) => !keys.has(k)).sort()).toEqual([]);
  });
});
