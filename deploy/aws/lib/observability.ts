import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as elasticache from "aws-cdk-lib/aws-elasticache";
import * as iam from "aws-cdk-lib/aws-iam";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as rds from "aws-cdk-lib/aws-rds";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export const metricNamespace = "AuthGateway";

/**
 * Log lines the gateway writes (pino JSON, field `event`) that an operator must hear about. The gateway's own
 * counters are Prometheus metrics on METRICS_PORT; CloudWatch reads these lines instead (src/ops/metrics.ts
 * logs each one when it counts it).
 */
export const alarmingLogEvents = {
  AuditWriteFailures: "AUDIT_WRITE_FAILED",
  EmergencyAlertDeadLetters: "EMERGENCY_ALERT_DEAD_LETTER",
  SecurityNoticeDeadLetters: "SECURITY_NOTICE_DEAD_LETTER",
} as const;

export type ObservabilityProps = {
  key: kms.IKey;
  alarmEmail: string | undefined;
  gatewayLogs: logs.ILogGroup;
  loadBalancer: elbv2.ApplicationLoadBalancer;
  targetGroup: elbv2.ApplicationTargetGroup;
  minTasks: number;
  redis: elasticache.CfnReplicationGroup;
  database: rds.DatabaseInstance;
};

/** One KMS-encrypted SNS topic and the alarms that publish to it. */
export class GatewayAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Alarms", { masterKey: props.key, enforceSSL: true, displayName: "Auth gateway alarms" });
    // The topic's own policy (enforceSSL adds one) replaces SNS's default: the services that publish here need saying so.
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com"), new iam.ServicePrincipal("events.rds.amazonaws.com")],
      actions: ["sns:Publish"],
      resources: [this.topic.topicArn],
      conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
    }));
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (name: string, description: string, options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric }) => {
      const created = new cloudwatch.Alarm(this, name, { alarmDescription: description, ...options, actionsEnabled: true });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);
    const lb = props.loadBalancer.metrics;

    const requests = lb.requestCount({ period: fiveMinutes, statistic: "Sum" });
    const target5xx = lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: fiveMinutes, statistic: "Sum" });
    const elb5xx = lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: fiveMinutes, statistic: "Sum" });
    alarm("ServerErrorRate", "More than 5% of requests answered 5xx (gateway or load balancer) over 5 minutes", {
      metric: new cloudwatch.MathExpression({ expression: "IF(requests > 20, 100 * (t5 + e5) / requests, 0)", usingMetrics: { requests, t5: target5xx, e5: elb5xx }, period: fiveMinutes, label: "5xx %" }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // /readyz is the target health check: an unready task (Redis, PostgreSQL, Cognito keys) is an unhealthy target.
    alarm("UnreadyTargets", "A gateway task has failed /readyz for 3 minutes", {
      metric: props.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: "Maximum" }),
      threshold: 0,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm("TooFewReadyTargets", `Fewer than ${props.minTasks} ready gateway tasks for 3 minutes`, {
      metric: props.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: "Minimum" }),
      threshold: props.minTasks,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    for (const [metricName, event] of Object.entries(alarmingLogEvents)) {
      const filter = new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: props.gatewayLogs,
        metricNamespace,
        metricName,
        filterPattern: logs.FilterPattern.stringValue("$.event", "=", event),
        metricValue: "1",
        defaultValue: 0,
      });
      alarm(metricName, `The gateway logged ${event} (any occurrence needs a look: a record or a notice did not reach its destination)`, {
        metric: filter.metric({ period: fiveMinutes, statistic: "Sum" }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const redisMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: "AWS/ElastiCache", metricName, dimensionsMap: { ReplicationGroupId: props.redis.ref }, period: fiveMinutes, statistic });
    alarm("RedisMemory", "Redis memory above 80% (sessions and limiter counters are evicted or refused next)", {
      metric: new cloudwatch.Metric({ namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage", dimensionsMap: { CacheClusterId: `${props.redis.ref}-001` }, period: fiveMinutes, statistic: "Maximum" }),
      threshold: 80,
      evaluationPeriods: 2,
    });
    alarm("RedisCpu", "Redis engine CPU above 80%", {
      metric: new cloudwatch.Metric({ namespace: "AWS/ElastiCache", metricName: "EngineCPUUtilization", dimensionsMap: { CacheClusterId: `${props.redis.ref}-001` }, period: fiveMinutes, statistic: "Maximum" }),
      threshold: 80,
      evaluationPeriods: 2,
    });
    alarm("RedisReplicationLag", "Redis replica more than 5 s behind (a failover would lose recent sessions)", {
      metric: redisMetric("ReplicationLag", "Maximum"),
      threshold: 5,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const db = props.database;
    alarm("DatabaseCpu", "PostgreSQL CPU above 80% for 15 minutes", { metric: db.metricCPUUtilization({ period: fiveMinutes }), threshold: 80, evaluationPeriods: 3 });
    alarm("DatabaseStorage", "PostgreSQL free storage below 2 GiB", {
      metric: db.metricFreeStorageSpace({ period: fiveMinutes, statistic: "Minimum" }),
      threshold: 2 * 1024 ** 3,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    alarm("DatabaseMemory", "PostgreSQL freeable memory below 64 MiB", {
      metric: db.metricFreeableMemory({ period: fiveMinutes, statistic: "Minimum" }),
      threshold: 64 * 1024 ** 2,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    alarm("DatabaseConnections", "PostgreSQL connections above 80 (db.t4g.micro allows about 100)", { metric: db.metricDatabaseConnections({ period: fiveMinutes, statistic: "Maximum" }), threshold: 80, evaluationPeriods: 2 });
  }
}
