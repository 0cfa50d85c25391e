/**
 * The operations dashboard: the pipeline's own metrics, one line per district (the handlers
 * publish them with the dimensions `service` and `district`, see functions/contract/
 * environment.ts), and the state of every alarm. test/unit/metrics-emitted.test.ts checks that
 * every metric graphed here is one a handler prints.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  DISTRICT_DIMENSION,
  METRIC,
  METRICS_NAMESPACE,
  type PipelineMetricName,
  SERVICE_NAME,
} from '../../functions/contract/environment.ts';
import type { Operations } from './operations.ts';

/** What {@link OperationsDashboard} needs. */
export interface OperationsDashboardProps {
  /** The districts this deployment serves: one line each. */
  readonly districtIds: readonly string[];
  readonly operations: Operations;
}

/** One page for the pipeline's metrics and alarms. */
export class OperationsDashboard extends Construct {
  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const graph = (title: string, lines: readonly [PipelineMetricName, string][]) =>
      new GraphWidget({
        title,
        left: props.districtIds.flatMap((districtId) =>
          lines.map(
            ([metricName, statistic]) =>
              new Metric({
                namespace: METRICS_NAMESPACE,
                metricName,
                dimensionsMap: { service: SERVICE_NAME, [DISTRICT_DIMENSION]: districtId },
                statistic,
                period: Duration.minutes(5),
                label: `${districtId} ${metricName} ${statistic}`,
              }),
          ),
        ),
      });
    new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          graph('Documents', [
            [METRIC.documentsRendered, 'Sum'],
            [METRIC.decisionsRejected, 'Sum'],
          ]),
          graph('Deliveries', [
            [METRIC.deliveriesSent, 'Sum'],
            [METRIC.deliveriesFailed, 'Sum'],
          ]),
        ],
        [
          graph('Render and signing duration (ms)', [
            [METRIC.renderDuration, 'p50'],
            [METRIC.renderDuration, 'p95'],
            [METRIC.signingDuration, 'p95'],
          ]),
          graph('Compliance calendar', [
            [METRIC.remindersSent, 'Sum'],
            [METRIC.overdueCount, 'Maximum'],
          ]),
        ],
        [
          new AlarmStatusWidget({
            title: 'Alarms',
            alarms: props.operations.alarms,
            width: 24,
          }),
        ],
      ],
    });
  }
}
