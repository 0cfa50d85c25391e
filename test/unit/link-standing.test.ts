import { describe, expect, it } from 'vitest';
import { versionInForce } from '../../functions/pipeline/link-standing.ts';

describe('versionInForce', () => {
  it.each([
    ['the only finalized version', 1, [{ version: 1, status: 'finalized' }], true],
    ['a withdrawn version', 1, [{ version: 1, status: 'withdrawn' }], false],
    [
      'a version superseded by a finalized amendment',
      1,
      [
        { version: 1, status: 'finalized' },
        { version: 2, status: 'finalized' },
      ],
      false,
    ],
    [
      'a version with a later draft only (not yet agreed)',
      1,
      [
        { version: 1, status: 'finalized' },
        { version: 2, status: 'draft' },
      ],
      true,
    ],
    [
      'a version whose amendment was withdrawn',
      1,
      [
        { version: 1, status: 'finalized' },
        { version: 2, status: 'withdrawn' },
      ],
      true,
    ],
    ['a version that does not exist', 3, [{ version: 1, status: 'finalized' }], false],
  ])('%s: %s', (_name, version, versions, expected) => {
    expect(versionInForce(version, versions)).toBe(expected);
  });
});
