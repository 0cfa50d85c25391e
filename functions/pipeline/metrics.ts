/**
 * The pipeline's metrics port: what the handlers count and time, per district. The AWS
 * implementation writes CloudWatch embedded-metric lines (functions/adapters/
 * powertools-metrics.ts); the one-machine runtime and tests may record nothing.
 */
import type { PipelineMetricName } from '../contract/environment.ts';

/** Counts and durations, each under one district. */
export interface PipelineMetrics {
  /** Adds `value` (default 1) to a count. */
  count(name: PipelineMetricName, districtId: string, value?: number): void;
  /** Records one duration in milliseconds. */
  duration(name: PipelineMetricName, districtId: string, milliseconds: number): void;
}

/** Metrics that go nowhere. */
export const noMetrics: PipelineMetrics = { count() {}, duration() {} };
