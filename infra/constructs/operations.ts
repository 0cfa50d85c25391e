/**
 * Operations: the key that encrypts logs, audit trail and alarm notifications; the alarm topic
 * (with an optional email subscription); and the helpers that put every alarm on it.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** What {@link Operations} needs. */
export interface OperationsProps {
  readonly alarmEmail?: string;
}

/** An alarm definition: everything but the action, which is always the alarm topic. */
export interface AlarmDefinition {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly evaluationPeriods?: number;
  readonly treatMissingData?: TreatMissingData;
  /** What it means and what to do, shown in the notification. */
  readonly description: string;
}

/** The alarm topic, the operations key and the alarm helpers. */
export class Operations extends Construct {
  /** Encrypts CloudWatch log groups, the CloudTrail trail and its bucket, and the alarm topic. */
  readonly key: Key;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'iep-docs operations: logs, audit trail, alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts only log groups of this account and region with the key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    // CloudWatch publishes alarm notifications to the encrypted topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'iep-docs alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
  }

  /** An alarm that notifies the alarm topic (and the topic again when it recovers). */
  alarm(id: string, definition: AlarmDefinition): Alarm {
    const alarm = new Alarm(this, id, {
      metric: definition.metric,
      threshold: definition.threshold,
      comparisonOperator: definition.comparisonOperator,
      evaluationPeriods: definition.evaluationPeriods ?? 1,
      treatMissingData: definition.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: definition.description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** Alarms on any message in a dead-letter queue. */
  watchDeadLetterQueue(id: string, queue: IQueue, meaning: string): Alarm {
    return this.alarm(id, {
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `A message reached a dead-letter queue: ${meaning}`,
    });
  }

  /** Alarms on any error of a function within five minutes. */
  watchFunctionErrors(id: string, fn: IFunction, meaning: string): Alarm {
    return this.alarm(id, {
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `Function errors: ${meaning}`,
    });
  }

  /** A metric of the pipeline's own namespace, dimension `service`. */
  static pipelineMetric(
    namespace: string,
    service: string,
    metricName: string,
    statistic: string,
    period: Duration,
  ): Metric {
    return new Metric({ namespace, metricName, dimensionsMap: { service }, statistic, period });
  }
}
