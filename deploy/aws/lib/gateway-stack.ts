import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as rds from "aws-cdk-lib/aws-rds";
import { Construct } from "constructs";
import { hipaaPoolSpec, type PoolSpec } from "../../../src/provisioning/pool-spec";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { GatewayService } from "./gateway-service";
import { MigrationTask, runTaskNetwork } from "./migration-task";
import { GatewayNetwork } from "./network";
import { GatewayAlarms } from "./observability";
import type { DeploySettings } from "./settings";
import { GatewayState } from "./state";
import { GatewayUserPool } from "./user-pool";
import { GatewayFirewall } from "./waf";

/** The production pool: the spec `npm run provision` applies without --local. */
export const productionPoolSpec = (settings: DeploySettings): PoolSpec =>
  hipaaPoolSpec({
    poolName: settings.poolName,
    clientName: settings.clientName,
    callbackUrls: settings.callbackUrls,
    logoutUrls: settings.logoutUrls,
    refreshTokenDays: settings.refreshTokenDays,
    temporaryPasswordDays: settings.temporaryPasswordDays,
    advancedSecurity: "ENFORCED",
    mfa: "ON",
    generateSecret: true,
  });

/** Everything the gateway needs in one account and region (docs/deploy-aws.md). */
export class GatewayStack extends Stack {
  readonly pool: GatewayUserPool;
  readonly gateway: GatewayService;
  readonly state: GatewayState;
  readonly alarms: GatewayAlarms;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, settings: DeploySettings, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: settings.account, region: settings.region } });
    this.zones = settings.availabilityZones;
    const key = new kms.Key(this, "DataKey", { enableKeyRotation: true, description: "Auth gateway: logs, secrets, Redis, PostgreSQL, alarms" });
    // CloudWatch Logs encrypts this account's log groups with the key, and alarms publish to the encrypted topic.
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      resources: ["*"],
      conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com"), new iam.ServicePrincipal("events.amazonaws.com"), new iam.ServicePrincipal("elasticache.amazonaws.com"), new iam.ServicePrincipal("events.rds.amazonaws.com")],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:SourceAccount": this.account } },
    }));

    const network = new GatewayNetwork(this, "Network", { key, availabilityZones: settings.availabilityZones });
    this.pool = new GatewayUserPool(this, "UserPool", {
      spec: productionPoolSpec(settings),
      hostedDomainPrefix: settings.hostedDomainPrefix,
      customAuthPublicKeys: settings.customAuthPublicKeys,
      triggerConcurrency: settings.triggerConcurrency,
      key,
      vpc: network.vpc,
    });
    this.state = new GatewayState(this, "State", { vpc: network.vpc, key, instanceIdentifier: `${this.stackName.toLowerCase()}-postgres` });
    this.gateway = new GatewayService(this, "Gateway", { settings, vpc: network.vpc, key, state: this.state, pool: this.pool });
    const migration = new MigrationTask(this, "Migration", {
      image: this.gateway.image,
      logGroup: this.gateway.logGroup,
      databaseUrl: this.gateway.databaseUrl,
      ownerSecret: this.state.ownerSecret,
    });
    new GatewayFirewall(this, "Firewall", { loadBalancer: this.gateway.loadBalancer, requestsPerFiveMinutes: settings.wafRequestsPerFiveMinutes, key });
    this.alarms = new GatewayAlarms(this, "Alarms", {
      key,
      alarmEmail: settings.alarmEmail,
      gatewayLogs: this.gateway.logGroup,
      loadBalancer: this.gateway.loadBalancer,
      targetGroup: this.gateway.targetGroup,
      minTasks: settings.gatewayMinTasks,
      redis: this.state.redis,
      database: this.state.database,
    });
    // Failovers, failures and maintenance of both stores reach the same topic as the alarms.
    this.state.redis.notificationTopicArn = this.alarms.topic.topicArn;
    new rds.CfnEventSubscription(this, "DatabaseEvents", {
      snsTopicArn: this.alarms.topic.topicArn,
      sourceType: "db-instance",
      sourceIds: [this.state.database.instanceIdentifier],
      eventCategories: ["availability", "failover", "failure", "low storage", "maintenance", "notification", "recovery"],
    });

    new CfnOutput(this, "GatewayUrl", { value: `https://${this.gateway.loadBalancer.loadBalancerDnsName}`, description: "Point your DNS name (the certificate's) at this load balancer" });
    new CfnOutput(this, "UserPoolId", { value: this.pool.userPoolId });
    new CfnOutput(this, "ClientId", { value: this.pool.clientId });
    new CfnOutput(this, "HostedDomain", { value: this.pool.hostedDomain });
    new CfnOutput(this, "DatabaseOwnerSecret", { value: this.state.ownerSecret.secretArn });
    new CfnOutput(this, "GatewayRoleSecret", { value: this.state.databaseSecret.secretArn, description: "Rotate once after creating the gateway role (docs/deploy-aws.md)" });
    new CfnOutput(this, "AlarmTopic", { value: this.alarms.topic.topicArn });
    new CfnOutput(this, "Cluster", { value: this.gateway.cluster.clusterName });
    new CfnOutput(this, "MigrationTaskDefinition", { value: migration.taskDefinition.taskDefinitionArn });
    new CfnOutput(this, "RunTaskNetwork", {
      value: runTaskNetwork(network.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets, this.gateway.taskSecurityGroup),
      description: "--network-configuration for aws ecs run-task (the migration task)",
    });
  }

  /** The AZs from context: constructs that ask the stack for its AZs get them without an account lookup. */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}
