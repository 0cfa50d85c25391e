import { describe, expect, it } from 'vitest';
import { resourceNames } from '../../functions/contract/resources.ts';
import { Failpoint, failpointFromEnv, pointOfCall } from '../../infra/local/failpoints.ts';

const names = resourceNames('iep-local');

describe('failpoints of the local runtime', () => {
  it('reads the point and hit from the environment, and refuses a misspelt point', () => {
    // Act
    const unset = failpointFromEnv({});
    const set = failpointFromEnv({ IEP_FAILPOINT: 'after-s3-write', IEP_FAILPOINT_HIT: '3' });
    const never = failpointFromEnv({ IEP_FAILPOINT: 'after-email-sent', IEP_FAILPOINT_HIT: '0' });
    const misspelt = () => failpointFromEnv({ IEP_FAILPOINT: 'after-s3' });

    // Assess
    expect(unset).toBeUndefined();
    expect(set).toEqual({ point: 'after-s3-write', hit: 3 });
    expect(never).toEqual({ point: 'after-email-sent', hit: 0 });
    expect(misspelt).toThrow(/expected one of/);
  });

  it('kills on the chosen hit of the chosen point only', () => {
    // Prepare
    let kills = 0;
    const failpoint = new Failpoint({ point: 'after-signed', hit: 2 }, () => kills++);

    // Act
    failpoint.reached('after-s3-write');
    failpoint.reached('after-signed');
    const afterFirst = kills;
    failpoint.reached('after-signed');
    failpoint.reached('after-signed');

    // Assess
    expect(afterFirst).toBe(0);
    expect(kills).toBe(1);
    expect(failpoint.hits).toBe(3);
  });

  it('names the point each AWS call reaches', () => {
    // Act
    const points = [
      pointOfCall(names, 'PutObjectCommand', { Bucket: names.buckets.documents }),
      pointOfCall(names, 'PutItemCommand', { TableName: names.tables.documents }),
      pointOfCall(names, 'PutItemCommand', { TableName: names.tables.outcomes }),
      pointOfCall(names, 'UpdateItemCommand', { TableName: names.tables.outcomes }),
      pointOfCall(names, 'SendEmailCommand', {}),
      pointOfCall(names, 'TransactWriteItemsCommand', {
        TransactItems: [{ Put: { TableName: names.tables.deliveries } }],
      }),
      pointOfCall(names, 'UpdateItemCommand', { TableName: names.tables.calendar }),
      pointOfCall(names, 'GetItemCommand', { TableName: names.tables.documents }),
    ];

    // Assess
    expect(points).toEqual([
      'after-s3-write',
      'after-document-record',
      'after-outcome-record',
      undefined,
      'after-email-sent',
      'after-delivery-record',
      'during-sweep',
      undefined,
    ]);
  });
});
