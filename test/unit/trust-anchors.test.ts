import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrustAnchors } from '../../functions/adapters/trust-anchors.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import { toPem } from '../../functions/render/signing/certificates.ts';
import { testIdentity } from './signing/fixtures.ts';

const districtWith = (signing: Record<string, unknown>) => {
  const raw = JSON.parse(
    readFileSync(new URL('../../config/districts/example-usd.json', import.meta.url), 'utf8'),
  );
  raw.signing = { ...raw.signing, ...signing };
  return DistrictDirectory.parse([raw]);
};

describe('loadTrustAnchors', () => {
  it('reads PEM files beside the profiles, the development root when present, and --trust files', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'iep-anchors-'));
    const [root] = testIdentity().certificates;
    const [other] = testIdentity().certificates;
    writeFileSync(join(dir, 'district-root.pem'), toPem('CERTIFICATE', root as Buffer));
    writeFileSync(join(dir, 'extra.pem'), toPem('CERTIFICATE', other as Buffer));
    mkdirSync(join(dir, 'state', 'signing'), { recursive: true });
    writeFileSync(
      join(dir, 'state', 'signing', 'dev-root.pem'),
      toPem('CERTIFICATE', other as Buffer),
    );
    const districts = districtWith({
      trustAnchors: ['district-root.pem', 'development-ca'],
      requireDocumentSigningEku: true,
    });

    // Act
    const anchors = loadTrustAnchors({
      districts,
      districtsDir: dir,
      stateDir: join(dir, 'state'),
      extra: [join(dir, 'extra.pem')],
    });

    // Assess
    expect(anchors.map((a) => [a.source, a.requireDocumentSigningEku ?? false])).toEqual([
      [expect.stringMatching(/^district profile /), true],
      [expect.stringMatching(/^district profile /), true],
      [`--trust ${join(dir, 'extra.pem')}`, false],
    ]);
    expect(Buffer.from(anchors[0]?.certificate as Uint8Array).equals(root as Buffer)).toBe(true);
  });

  it('names the profile and the file when an anchor cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iep-anchors-'));
    const districts = districtWith({ trustAnchors: ['missing.pem'] });

    expect(() => loadTrustAnchors({ districts, districtsDir: dir, stateDir: dir })).toThrow(
      /district profile .*: signing.trustAnchors: cannot read .*missing.pem: ENOENT/,
    );
  });
});
