import { describe, expect, it } from 'vitest';
import {
  type FilterPattern,
  matchesAnyFilter,
  matchesPattern,
  validateFilterPattern,
} from '../../infra/local/event-filter.ts';

/** A stream record as Lambda's filters see it. */
function record(newImage: Record<string, unknown>, eventName = 'INSERT') {
  return { eventName, dynamodb: { NewImage: newImage } };
}

const finalized = record({ status: { S: 'finalized' }, version: { N: '3' } });
const draft = record({ status: { S: 'draft' }, version: { N: '1' } });

describe('stream poller filter patterns', () => {
  it('matches exact values listed for a nested attribute', () => {
    // Prepare
    const pattern = { dynamodb: { NewImage: { status: { S: ['finalized', 'amended'] } } } };

    // Act / Assess
    expect(matchesPattern(pattern, finalized)).toBe(true);
    expect(matchesPattern(pattern, draft)).toBe(false);
  });

  it('requires every field of a pattern to match', () => {
    // Prepare
    const pattern = {
      eventName: ['MODIFY'],
      dynamodb: { NewImage: { status: { S: ['finalized'] } } },
    };

    // Act / Assess
    expect(matchesPattern(pattern, finalized)).toBe(false);
    expect(matchesPattern(pattern, { ...finalized, eventName: 'MODIFY' })).toBe(true);
  });

  it('delivers a record matching any one of several patterns, and all records without patterns', () => {
    // Prepare
    const patterns: FilterPattern[] = [
      { dynamodb: { NewImage: { status: { S: ['withdrawn'] } } } },
      { dynamodb: { NewImage: { status: { S: ['finalized'] } } } },
    ];

    // Act / Assess
    expect(matchesAnyFilter(patterns, finalized)).toBe(true);
    expect(matchesAnyFilter(patterns, draft)).toBe(false);
    expect(matchesAnyFilter([], draft)).toBe(true);
  });

  it('supports prefix, anything-but, numeric and equals-ignore-case', () => {
    // Act / Assess
    const status = (values: FilterPattern[string]) => ({
      dynamodb: { NewImage: { status: { S: values } } },
    });
    expect(matchesPattern(status([{ prefix: 'final' }]), finalized)).toBe(true);
    expect(matchesPattern(status([{ 'anything-but': ['draft'] }]), draft)).toBe(false);
    expect(matchesPattern(status([{ 'equals-ignore-case': 'FINALIZED' }]), finalized)).toBe(true);
    const version = {
      dynamodb: { NewImage: { version: { N: [{ numeric: ['>', 1, '<=', 3] }] } } },
    };
    expect(matchesPattern(version, finalized)).toBe(true);
    expect(matchesPattern(version, draft)).toBe(false);
  });

  it('matches exists: false only when the attribute is absent', () => {
    // Prepare
    const pattern = { dynamodb: { OldImage: [{ exists: false }] } };

    // Act / Assess
    expect(matchesPattern(pattern, finalized)).toBe(true);
    expect(matchesPattern(pattern, { dynamodb: { OldImage: {} } })).toBe(false);
  });

  it('rejects an operator it does not know', () => {
    // Act / Assess
    expect(() =>
      validateFilterPattern({ status: [{ wildcard: 'final*' } as unknown as string] }),
    ).toThrow('unsupported filter');
  });
});
