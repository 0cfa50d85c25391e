import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentConfig, senderDomains } from '../../infra/config.ts';
import { projectRoot } from './build-stack.ts';

const context =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('deploymentConfig', () => {
  it('spells out a default for every setting, serving the districts in config/districts', () => {
    // Act
    const config = deploymentConfig(context({}), projectRoot);

    // Assess
    expect(config).toMatchObject({
      districtProfilesDir: join(projectRoot, 'config/districts'),
      retentionYears: 7,
      objectLockMode: 'GOVERNANCE',
      logRetentionDays: 365,
      logLevel: 'INFO',
      renderMemoryMb: 2048,
      downloadRateLimit: 10,
      downloadBurstLimit: 20,
      presignedUrlMinutes: 5,
      regenerateMaxConcurrency: 25,
    });
    expect(config.districts.map((d) => d.districtId)).toContain('example-usd');
    expect(config.alarmEmail).toBeUndefined();
    expect(senderDomains(config)).toEqual(['example-usd.org']);
  });

  it('reads values given as strings on the command line (-c retentionYears=10)', () => {
    const config = deploymentConfig(
      context({
        retentionYears: '10',
        objectLockMode: 'compliance',
        senderDomain: 'mail.example.org',
      }),
      projectRoot,
    );
    expect(config.retentionYears).toBe(10);
    expect(config.objectLockMode).toBe('COMPLIANCE');
    expect(senderDomains(config)).toEqual(['mail.example.org']);
  });

  it('names the setting that is wrong', () => {
    expect(() => deploymentConfig(context({ retentionYears: 'seven' }), projectRoot)).toThrow(
      /retentionYears/,
    );
    expect(() => deploymentConfig(context({ objectLockMode: 'LEGAL' }), projectRoot)).toThrow(
      /objectLockMode: expected one of GOVERNANCE, COMPLIANCE/,
    );
    expect(() => deploymentConfig(context({ renderMemoryMb: 1024 }), projectRoot)).toThrow(
      /renderMemoryMb/,
    );
    expect(() => deploymentConfig(context({ logRetentionDays: 42 }), projectRoot)).toThrow(
      /not a CloudWatch retention period/,
    );
    expect(() =>
      deploymentConfig(context({ downloadDomain: 'docs.example.org' }), projectRoot),
    ).toThrow(/downloadCertificateArn/);
    // SQS event sources refuse a maximum concurrency below 2.
    expect(() => deploymentConfig(context({ regenerateMaxConcurrency: 1 }), projectRoot)).toThrow(
      /regenerateMaxConcurrency: expected an integer from 2 to 1000/,
    );
  });

  it('refuses a district profile that does not validate, naming the field', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'iep-districts-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ districtId: 'bad', timeZone: 'Mars/Base' }),
    );

    // Act / Assess
    expect(() => deploymentConfig(context({ districtProfilesDir: dir }), projectRoot)).toThrow(
      /district profile #1 is invalid: .*timeZone/,
    );
  });

  it('refuses a folder without profiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iep-districts-'));
    expect(() => deploymentConfig(context({ districtProfilesDir: dir }), projectRoot)).toThrow(
      /no district profile/,
    );
  });
});
