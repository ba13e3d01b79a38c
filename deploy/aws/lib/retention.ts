import { Duration } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";

/**
 * HIPAA keeps required documentation six years (45 CFR 164.316(b)(2)) and asks for audit controls over
 * access to ePHI systems (164.312(b)). Every log this app writes can answer "who reached the system, when,
 * and what did it decide" (gateway lines carry request ids that join the audit trail; flow logs, load balancer
 * access logs, trigger and database logs record access), so all of them are kept six years. CloudWatch's
 * nearest retention at or above 2190 days is 2192 days.
 */
export const logRetention = logs.RetentionDays.SIX_YEARS;
export const logRetentionDays = 2192;

/** Load balancer access logs in S3: infrequent-access after 30 days, Glacier after 90, gone after six years. */
export const accessLogLifecycle = { infrequentAfter: Duration.days(30), glacierAfter: Duration.days(90), expireAfter: Duration.days(logRetentionDays) };
