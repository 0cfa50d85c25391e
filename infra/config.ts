/**
 * The deployment's configuration: CDK context values (`cdk deploy -c name=value` or `cdk.json`)
 * with every default spelled out in one function, and the district profiles the deployment
 * serves, validated with the same schema the handlers use. Invalid values fail the synth,
 * naming the setting.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DistrictDirectory, type DistrictProfile } from '../functions/core/district.ts';

/** Object Lock mode of the documents bucket's default retention. */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** Everything the stack is configured with. */
export interface DeploymentConfig {
  /** Absolute path of the folder of district profiles (`*.json`). */
  readonly districtProfilesDir: string;
  /** The districts this deployment serves (at least one). */
  readonly districts: readonly DistrictProfile[];
  /** Years a document version is locked against deletion and overwrite. */
  readonly retentionYears: number;
  /** GOVERNANCE: a records officer with s3:BypassGovernanceRetention may delete; COMPLIANCE: nobody. */
  readonly objectLockMode: ObjectLockMode;
  /** Email subscribed to the alarm topic, when given. */
  readonly alarmEmail?: string;
  /** SES identity domain; defaults to the domains of the districts' sender addresses. */
  readonly senderDomain?: string;
  /** Custom domain of the download endpoint (needs `downloadCertificateArn`). */
  readonly downloadDomain?: string;
  /** ACM certificate (same region) for `downloadDomain`. */
  readonly downloadCertificateArn?: string;
  /** Days CloudWatch keeps function and audit logs. */
  readonly logRetentionDays: number;
  /** Powertools log level. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Renderer memory: Chromium needs ≥ 1769 MB (one full vCPU). */
  readonly renderMemoryMb: number;
  /** Steady-state requests per second the download endpoint accepts. */
  readonly downloadRateLimit: number;
  /** Burst of requests the download endpoint accepts. */
  readonly downloadBurstLimit: number;
  /** Minutes a presigned document URL stays valid. */
  readonly presignedUrlMinutes: number;
  /**
   * Most regenerate containers at once (the SQS event source's maximum concurrency): 25 ends
   * 100,000 decisions in about half an hour (docs/scale.md) without starving the renderer.
   */
  readonly regenerateMaxConcurrency: number;
  /** An SQS queue told of each postal packet stored, for the mailroom or a print vendor. */
  readonly postalQueue: boolean;
}

/** Reads one context value; `undefined` when unset or empty. */
export type ContextReader = (key: string) => unknown;

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key}: expected a string`);
  return value;
}

function integer(read: ContextReader, key: string, fallback: number, min: number, max: number) {
  const value = read(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(
      `context ${key}: expected an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return number;
}

function oneOf<T extends string>(
  read: ContextReader,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = text(read, key) ?? fallback;
  const upper = value.toUpperCase() as T;
  if (!allowed.includes(upper)) {
    throw new Error(`context ${key}: expected one of ${allowed.join(', ')}, got ${value}`);
  }
  return upper;
}

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** Reads and validates every profile in `dir` (`*.json`, sorted by file name). */
export function loadDistrictProfiles(dir: string): DistrictProfile[] {
  if (!existsSync(dir)) throw new Error(`district profiles folder not found: ${dir}`);
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no district profile (*.json) in ${dir}`);
  const raw = files.map((file) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    } catch (cause) {
      throw new Error(`district profile ${file} is not JSON`, { cause });
    }
  });
  const directory = DistrictDirectory.parse(raw);
  return directory.ids.map((id) => directory.get(id));
}

/**
 * The configuration from context, every default here: profiles `config/districts`,
 * 7 years of GOVERNANCE retention, logs kept 1 year, INFO logs, a 2048 MB renderer,
 * downloads throttled at 10 requests/s (burst 20), presigned URLs valid 5 minutes, at most 25
 * regenerate containers at once.
 */
export function deploymentConfig(read: ContextReader, projectRoot: string): DeploymentConfig {
  const profilesSetting = text(read, 'districtProfilesDir') ?? 'config/districts';
  const districtProfilesDir = isAbsolute(profilesSetting)
    ? profilesSetting
    : resolve(projectRoot, profilesSetting);
  const logRetentionDays = integer(read, 'logRetentionDays', 365, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new Error(
      `context logRetentionDays: ${logRetentionDays} is not a CloudWatch retention period`,
    );
  }
  const alarmEmail = text(read, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`context alarmEmail: not an email address: ${alarmEmail}`);
  }
  const downloadDomain = text(read, 'downloadDomain');
  const downloadCertificateArn = text(read, 'downloadCertificateArn');
  if ((downloadDomain === undefined) !== (downloadCertificateArn === undefined)) {
    throw new Error(
      'context downloadDomain and downloadCertificateArn go together: set both or neither',
    );
  }
  const senderDomain = text(read, 'senderDomain');
  return {
    districtProfilesDir,
    districts: loadDistrictProfiles(districtProfilesDir),
    retentionYears: integer(read, 'retentionYears', 7, 1, 100),
    objectLockMode: oneOf(read, 'objectLockMode', ['GOVERNANCE', 'COMPLIANCE'], 'GOVERNANCE'),
    logRetentionDays,
    logLevel: oneOf(read, 'logLevel', ['DEBUG', 'INFO', 'WARN', 'ERROR'], 'INFO'),
    renderMemoryMb: integer(read, 'renderMemoryMb', 2048, 1769, 10240),
    downloadRateLimit: integer(read, 'downloadRateLimit', 10, 1, 10000),
    downloadBurstLimit: integer(read, 'downloadBurstLimit', 20, 1, 5000),
    presignedUrlMinutes: integer(read, 'presignedUrlMinutes', 5, 1, 60),
    // SQS event sources accept a maximum concurrency from 2 to 1,000.
    regenerateMaxConcurrency: integer(read, 'regenerateMaxConcurrency', 25, 2, 1000),
    postalQueue: oneOf(read, 'postalQueue', ['TRUE', 'FALSE'], 'FALSE') === 'TRUE',
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(senderDomain === undefined ? {} : { senderDomain }),
    ...(downloadDomain === undefined ? {} : { downloadDomain }),
    ...(downloadCertificateArn === undefined ? {} : { downloadCertificateArn }),
  };
}

/** The SES identity domains: `senderDomain`, or every domain the districts send from. */
export function senderDomains(config: DeploymentConfig): string[] {
  if (config.senderDomain) return [config.senderDomain];
  return [...new Set(config.districts.map((d) => d.sender.email.split('@')[1] ?? ''))]
    .filter(Boolean)
    .sort();
}
