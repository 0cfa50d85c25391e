/**
 * What `iep-docs render` writes: each document's PDF under `<out>/<decisionId>/v<version>/`
 * (named as the stack names them in S3), with `--html` the HTML it was printed from, fonts
 * inlined, for review; and one JSON line per document on stdout (README, "The document engine
 * on its own").
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Decision } from '../core/decision.ts';
import { documentFileName } from '../core/documents.ts';
import type { RenderedDocument } from '../render/engine.ts';
import { reviewHtml } from '../render/review-html.ts';

/** Writes each rendered document (and its review HTML) under `dir`, one JSON line per document. */
export async function writeDocuments(
  io: { stdout(line: string): void },
  dir: string,
  decision: Decision,
  documents: readonly RenderedDocument[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const doc of documents) {
    const path = join(dir, documentFileName(doc.type, doc.language));
    await writeFile(path, doc.pdf);
    // The same HTML the PDF was printed from: any browser shows it, any renderer prints it.
    const html = doc.html === undefined ? null : path.replace(/\.pdf$/, '.html');
    if (html !== null) await writeFile(html, reviewHtml(doc.html ?? ''));
    io.stdout(
      JSON.stringify({
        decisionId: decision.decisionId,
        version: decision.version,
        type: doc.type,
        language: doc.language,
        path,
        ...(html === null ? {} : { html }),
        sha256: doc.sha256,
        pages: doc.pages,
        bytes: doc.bytes,
        ms: Math.round(doc.timings.template + doc.timings.pdf + doc.timings.sign),
        signed: doc.signed,
        ...(doc.level ? { level: doc.level } : {}),
      }),
    );
  }
}
