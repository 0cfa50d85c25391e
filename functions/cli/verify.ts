/**
 * `iep-docs verify FILE… [--trust PEM]… [--json]`: integrity and trust of signed documents.
 * Exit codes: 0 intact and trusted; 1 not intact; 4 intact but not trusted (unknown
 * issuer, expired, revoked, wrong key usage); 3 unreadable file or bad anchors.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_DISTRICTS_DIR, loadDistrictDirectory } from '../adapters/district-files.ts';
import { loadTrustAnchors } from '../adapters/trust-anchors.ts';
import { validateDocument } from '../render/signing/index.ts';
import { stateDir } from './context.ts';

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes of `verify`, worst last. */
const Exit = { ok: 0, notIntact: 1, usageOrIo: 3, notTrusted: 4 } as const;

/** The JSON line `verify` prints for one file (README: "The document engine on its own"). */
function verifyLine(file: string, result: ReturnType<typeof validateDocument>) {
  return {
    file,
    intact: result.intact,
    trusted: result.trusted,
    reason: result.reason,
    signer: result.signer ?? null,
    issuer: result.issuer,
    signedAt: result.timestamp?.time ?? result.signingTime ?? null,
    timestamp: result.timestamp,
    level: result.level,
    documentId: result.documentId,
    decisionId: result.decisionId,
    version: result.version,
    sha256: result.sha256,
  };
}

export async function verifyCommand(argv: string[], io: Io, now = new Date()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      trust: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) {
    io.stderr('iep-docs verify: at least one FILE is required');
    return Exit.usageOrIo;
  }
  const districtsDir = io.env.IEP_DISTRICTS_DIR || DEFAULT_DISTRICTS_DIR;
  const anchors = loadTrustAnchors({
    districts: loadDistrictDirectory(districtsDir),
    districtsDir,
    stateDir: stateDir(io.env),
    extra: values.trust,
  });
  const codes: number[] = [];
  for (const file of positionals) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      io.stderr(
        `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
      codes.push(Exit.usageOrIo);
      continue;
    }
    const result = validateDocument(bytes, { anchors, now });
    io.stdout(JSON.stringify(verifyLine(file, result)));
    if (!result.intact) {
      for (const problem of result.problems) io.stderr(`${file}: ${problem}`);
      codes.push(Exit.notIntact);
    } else if (!result.trusted) {
      io.stderr(`${file}: intact but not trusted: ${result.reason}`);
      codes.push(Exit.notTrusted);
    } else codes.push(Exit.ok);
  }
  // One exit code for many files: not intact outranks not trusted, then I/O trouble.
  for (const code of [Exit.notIntact, Exit.notTrusted, Exit.usageOrIo])
    if (codes.includes(code)) return code;
  return Exit.ok;
}
