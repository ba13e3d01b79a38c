import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** A cdk-nag finding this app accepts, where (a construct path under the stack), and why. docs/deploy-aws.md lists them. */
export type Acknowledgement = { rules: string[]; paths: string[]; reason: string };

const triggers = ["defineAuthChallenge", "createAuthChallenge", "verifyAuthChallengeResponse"];
const generatedPolicies = ["Gateway/Task/ExecutionRole/DefaultPolicy", "Migration/Task/ExecutionRole/DefaultPolicy", "Network/FlowLogsRole/DefaultPolicy", ...triggers.map((t) => `UserPool/${t}Role/DefaultPolicy`)];

export const acknowledgements: Acknowledgement[] = [
  {
    rules: ["AwsSolutions-EC23"],
    paths: ["Gateway/LoadBalancerSecurityGroup"],
    reason: "The internet-facing load balancer is the public API: it must accept 443 (and 80, answered only with a redirect to HTTPS) from any address. AWS WAF with rate-based rules sits in front of it; the tasks accept traffic from this security group only.",
  },
  {
    rules: ["HIPAA.Security-ELBv2ACMCertificateRequired"],
    paths: ["Gateway/LoadBalancer/HttpRedirect"],
    reason: "The port-80 listener serves nothing: its only action is a permanent redirect to the HTTPS listener, which uses the ACM certificate.",
  },
  {
    rules: ["HIPAA.Security-VPCNoUnrestrictedRouteToIGW"],
    paths: ["Network/Vpc/publicSubnet1/DefaultRoute", "Network/Vpc/publicSubnet2/DefaultRoute"],
    reason: "Only the public subnets route to the internet gateway, and they hold only the internet-facing load balancer and the NAT gateways. Tasks run in private subnets; Redis, PostgreSQL and the triggers in isolated subnets with no route out.",
  },
  {
    rules: ["AwsSolutions-ECS2"],
    paths: ["Gateway/Task", "Migration/Task"],
    reason: "The plain environment holds non-secret settings only (mode, ports, keep-alive, proxy hops, pool and client ids, database host). Every secret (Redis URL, database credentials, client secret, custom-auth private key, audit chain key, alert webhook) comes from Secrets Manager through the task's secrets.",
  },
  {
    rules: ["AwsSolutions-AEC5"],
    paths: ["State/Redis"],
    reason: "Default port 6379: Redis sits in isolated subnets and accepts connections only from the gateway tasks' security group, with TLS and the AUTH token required; a non-default port would add no protection.",
  },
  {
    rules: ["AwsSolutions-RDS11"],
    paths: ["State/Database"],
    reason: "Default port 5432: PostgreSQL sits in isolated subnets and accepts connections only from the gateway tasks' and the rotation functions' security groups, with TLS forced and credentials required; a non-default port would add no protection.",
  },
  {
    rules: ["HIPAA.Security-EC2RestrictedCommonPorts", "HIPAA.Security-EC2RestrictedSSH"],
    paths: ["State/DatabaseSecurityGroup"],
    reason: "The rules cannot evaluate the database port token in the rotation functions' ingress rules. Those rules allow only PostgreSQL's port, and only from the rotation functions' own security groups (no CIDR).",
  },
  {
    rules: ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]"],
    paths: ["State/Database/MonitoringRole"],
    reason: "The AWS-managed policy made for RDS Enhanced Monitoring: it only writes the RDSOSMetrics log group. Enhanced monitoring is wanted (HIPAA RDSEnhancedMonitoringEnabled).",
  },
  {
    rules: ["AwsSolutions-IAM5[Resource::*]"],
    paths: ["Gateway/Task/ExecutionRole/DefaultPolicy", "Migration/Task/ExecutionRole/DefaultPolicy", ...triggers.map((t) => `UserPool/${t}Role/DefaultPolicy`)],
    reason: "Only the actions AWS does not scope to resources: ecr:GetAuthorizationToken (image pull) for the task execution role, and ec2:Create/Describe/DeleteNetworkInterface and Assign/UnassignPrivateIpAddresses for the VPC-attached triggers. Every other statement names its resources.",
  },
  {
    rules: ["HIPAA.Security-IAMNoInlinePolicy"],
    paths: generatedPolicies,
    reason: "These are the least-privilege policies CDK generates from grants (each names the stack's own log groups, secrets, key and repository) and attaches to exactly one role. A customer-managed policy would grant the same and could be attached elsewhere.",
  },
  {
    rules: ["AwsSolutions-S1", "HIPAA.Security-S3BucketLoggingEnabled"],
    paths: ["Gateway/AccessLogs"],
    reason: "This bucket is the load balancer's access-log bucket; logging its own accesses would need another log bucket to the same end. Reads of the logs are recorded by CloudTrail (enable S3 data events in the organisation trail).",
  },
  {
    rules: ["HIPAA.Security-S3DefaultEncryptionKMS"],
    paths: ["Gateway/AccessLogs"],
    reason: "ALB access logs can only be delivered to buckets encrypted with SSE-S3 (AWS does not support SSE-KMS for them). The bucket is SSE-S3 encrypted, TLS-only, private and versioned.",
  },
  {
    rules: ["HIPAA.Security-S3BucketReplicationEnabled"],
    paths: ["Gateway/AccessLogs"],
    reason: "Access logs are kept six years in a versioned bucket with RETAIN; cross-region replication is an organisation-wide disaster-recovery choice (docs/deploy-aws.md), not something one stack should turn on.",
  },
  {
    rules: ["AwsSolutions-SMG4", "HIPAA.Security-SecretsManagerRotationEnabled"],
    paths: ["State/RedisAuthToken", "State/RedisUrl"],
    reason: "ElastiCache AUTH tokens rotate through ModifyReplicationGroup (ROTATE, then SET), which must be coordinated with the tasks' REDIS_URL; docs/deploy-aws.md gives the procedure. Redis is reachable only from the tasks' security group, over TLS.",
  },
  {
    rules: ["AwsSolutions-SMG4", "HIPAA.Security-SecretsManagerRotationEnabled"],
    paths: ["UserPool/ClientSecret"],
    reason: "The value is the app client's secret, written by CloudFormation from the client: a Secrets Manager rotation function cannot change it. It changes by replacing the client (docs/deploy-aws.md).",
  },
  {
    rules: ["AwsSolutions-SMG4", "HIPAA.Security-SecretsManagerRotationEnabled"],
    paths: ["Gateway/AuditChainKey"],
    reason: "The audit chain MAC key must still verify the records written under it: it changes by the documented procedure (new key, records verified under each), not by a rotation function that would leave old records unverifiable.",
  },
  {
    rules: ["AwsSolutions-SMG4", "HIPAA.Security-SecretsManagerRotationEnabled"],
    paths: ["Gateway/TotpSealKey"],
    reason: "The TOTP seal key must still open the sealed copies of the secrets users enrolled under it: it changes by the documented procedure (users re-enrol, or a re-seal under the new key), not by a rotation function that would make every copy unreadable.",
  },
  {
    rules: ["HIPAA.Security-LambdaDLQ"],
    paths: triggers.map((t) => `UserPool/${t}`),
    reason: "Cognito invokes the custom-auth triggers synchronously and the sign-in fails closed if they fail; a dead-letter queue only receives failed asynchronous invocations, so there is nothing to catch.",
  },
  {
    rules: ["HIPAA.Security-RDSInBackupPlan"],
    paths: ["State/Database"],
    reason: "RDS automated backups with 35-day retention and point-in-time recovery, deletion protection and a final snapshot cover recovery; an AWS Backup plan with cross-account copies is an organisation-level choice (docs/deploy-aws.md).",
  },
];

/** Records each acknowledgement on the construct at its path; a path that matches nothing is an error (no stale acknowledgements). */
export const acknowledge = (stack: IConstruct, list: readonly Acknowledgement[] = acknowledgements): void => {
  for (const { rules, paths, reason } of list) {
    for (const path of paths) {
      const target = path.split("/").reduce<IConstruct | undefined>((node, id) => node?.node.tryFindChild(id), stack);
      if (!target) throw new Error(`acknowledgement of ${rules.join(", ")}: no construct at ${path}`);
      for (const rule of rules) Validations.of(target).acknowledge({ id: rule, reason });
    }
  }
};
