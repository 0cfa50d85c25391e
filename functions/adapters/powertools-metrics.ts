/**
 * The metrics port over Powertools Metrics: one embedded-metric-format line per value, with the
 * dimensions `service` and `district` (the dashboard graphs each district). A single-metric line
 * is written at once, so nothing waits for a flush at the end of an invocation and a crash loses
 * nothing already counted.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DISTRICT_DIMENSION } from '../contract/environment.ts';
import type { PipelineMetrics } from '../pipeline/metrics.ts';

/** {@link PipelineMetrics} writing through `metrics` (namespace and service set on it). */
export function powertoolsMetrics(metrics: Metrics): PipelineMetrics {
  const emit = (
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
    districtId: string,
  ) => {
    const single = metrics.singleMetric();
    single.addDimension(DISTRICT_DIMENSION, districtId || 'unknown');
    single.addMetric(name, unit, value);
  };
  return {
    count: (name, districtId, value = 1) => emit(name, MetricUnit.Count, value, districtId),
    duration: (name, districtId, ms) => emit(name, MetricUnit.Milliseconds, ms, districtId),
  };
}
