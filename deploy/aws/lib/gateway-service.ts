import * as path from "node:path";
import { Duration, IgnoreMode, RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecrAssets from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { albIdleTimeoutSeconds, apiPort, gatewayKeepAliveSeconds, metricsPort, trustedProxyHops } from "./gateway-settings";
import { accessLogLifecycle, logRetention } from "./retention";
import { SettingsError, type DeploySettings } from "./settings";
import { databaseName, postgresPort, redisPort, type GatewayState } from "./state";
import type { GatewayUserPool } from "./user-pool";

const repositoryRoot = path.join(__dirname, "..", "..", "..");

/** The image carries the RDS certificate bundle here (Dockerfile): DATABASE_URL's sslmode=verify-full needs the RDS CA. */
export const rdsCaBundle = "/app/certs/global-bundle.pem";

/**
 * `gatewayEnvironment` is plain text in the task definition: it may not carry a secret (those come from Secrets
 * Manager) nor replace a setting this app fixes.
 */
export const assertPlainExtras = (extras: Record<string, string>, fixed: readonly string[]): void => {
  for (const name of Object.keys(extras)) {
    if (fixed.includes(name)) throw new SettingsError(`context gatewayEnvironment.${name}: set by the app itself (docs/deploy-aws.md)`);
    if (/SECRET|PASSWORD|PRIVATE_KEY|TOKEN|CHAIN_KEY/.test(name)) throw new SettingsError(`context gatewayEnvironment.${name}: looks like a secret; secrets come from Secrets Manager, never plain environment`);
  }
};

/** Never staged into the image's build context, whatever .dockerignore says (local builds, secrets, CDK output). */
export const imageExcludes = ["**/node_modules", "**/dist", "**/dist-*", ".git", "**/cdk.out", ".cognito", "**/*.pem", "**/.env*", "audit.jsonl"];

export type GatewayServiceProps = {
  settings: DeploySettings;
  vpc: ec2.IVpc;
  key: kms.IKey;
  state: GatewayState;
  pool: GatewayUserPool;
};

/** The gateway on ECS Fargate behind an HTTPS-only Application Load Balancer. */
export class GatewayService extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;
  readonly cluster: ecs.Cluster;
  readonly image: ecs.ContainerImage;
  readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Host and database only: the role and password come from a rotating secret (node-postgres reads PGUSER/PGPASSWORD). */
  readonly databaseUrl: string;

  constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);
    const { settings, vpc, key, state, pool } = props;

    const cluster = new ecs.Cluster(this, "Cluster", { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.cluster = cluster;
    this.image = ecs.ContainerImage.fromAsset(repositoryRoot, { file: "Dockerfile", exclude: imageExcludes, ignoreMode: IgnoreMode.DOCKER, platform: ecrAssets.Platform.LINUX_AMD64 });
    this.databaseUrl = `postgres://${state.database.dbInstanceEndpointAddress}:${postgresPort}/${databaseName}?sslmode=verify-full`;
    this.logGroup = new logs.LogGroup(this, "GatewayLogs", { retention: logRetention, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });

    const task = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      // The only writable place in the container: scratch space for Node (the root file system is read-only).
      volumes: [{ name: "tmp" }, { name: "audit-spool" }],
    });
    const auditChainKey = new secrets.Secret(this, "AuditChainKey", {
      description: "AUDIT_CHAIN_KEY: key of the audit chain MAC",
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const totpSealKey = new secrets.Secret(this, "TotpSealKey", {
      description: "TOTP_SEAL_KEY: seals the gateway's copy of each enrolled TOTP secret",
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const privateKey = secrets.Secret.fromSecretNameV2(this, "CustomAuthPrivateKey", settings.customAuthPrivateKeySecretName);
    const webhookSecrets = (name: string, prefix: "ALERT" | "NOTICE"): Record<string, ecs.Secret> => {
      const secret = secrets.Secret.fromSecretNameV2(this, `${prefix}Webhook`, name);
      return { [`${prefix}_WEBHOOK_URL`]: ecs.Secret.fromSecretsManager(secret, "url"), [`${prefix}_WEBHOOK_SECRET`]: ecs.Secret.fromSecretsManager(secret, "secret") };
    };

    const fixedEnvironment: Record<string, string> = {
      GATEWAY_MODE: "production",
      NODE_ENV: "production",
      HOST: "0.0.0.0",
      PORT: String(apiPort),
      METRICS_PORT: String(metricsPort),
      HTTP_KEEP_ALIVE_SECONDS: String(gatewayKeepAliveSeconds),
      TRUST_PROXY_HOPS: String(trustedProxyHops),
      AWS_REGION: settings.region,
      ...(settings.emergencyAccess === "off" && { EMERGENCY_ACCESS: "off" }),
      COGNITO_USER_POOL_ID: pool.userPoolId,
      COGNITO_CLIENT_ID: pool.clientId,
      DATABASE_URL: this.databaseUrl,
      // The audit trail in the same database, in its own schema (AUDIT_DATABASE_SCHEMA, default audit).
      AUDIT_DATABASE_URL: this.databaseUrl,
      NODE_EXTRA_CA_CERTS: rdsCaBundle,
      // Records that never wait on the audit sink (logout, disable, lock) are spooled here until PostgreSQL takes them.
      AUDIT_SPOOL_FILE: "/app/spool/audit-spool.jsonl",
    };
    const secretEnvironment: Record<string, ecs.Secret> = {
      REDIS_URL: ecs.Secret.fromSecretsManager(state.redisUrl),
      PGUSER: ecs.Secret.fromSecretsManager(state.databaseSecret, "username"),
      PGPASSWORD: ecs.Secret.fromSecretsManager(state.databaseSecret, "password"),
      COGNITO_CLIENT_SECRET: ecs.Secret.fromSecretsManager(pool.clientSecret),
      CUSTOM_AUTH_PRIVATE_KEY: ecs.Secret.fromSecretsManager(privateKey),
      AUDIT_CHAIN_KEY: ecs.Secret.fromSecretsManager(auditChainKey),
      TOTP_SEAL_KEY: ecs.Secret.fromSecretsManager(totpSealKey),
      ...(settings.emergencyAccess === "on" && webhookSecrets(settings.alertWebhookSecretName, "ALERT")),
      ...webhookSecrets(settings.noticeWebhookSecretName, "NOTICE"),
    };
    assertPlainExtras(settings.gatewayEnvironment, [...Object.keys(fixedEnvironment), ...Object.keys(secretEnvironment)]);

    const container = task.addContainer("gateway", {
      image: this.image,
      readonlyRootFilesystem: true,
      user: "node",
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: "gateway" }),
      portMappings: [{ containerPort: apiPort, name: "api" }],
      environment: { ...settings.gatewayEnvironment, ...fixedEnvironment },
      secrets: secretEnvironment,
      healthCheck: {
        command: ["CMD", "node", "-e", `fetch('http://127.0.0.1:${apiPort}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(30),
      },
    });
    container.addMountPoints({ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false });
    container.addMountPoints({ sourceVolume: "audit-spool", containerPath: "/app/spool", readOnly: false });

    const albSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", { vpc, allowAllOutbound: false, description: "ALB: HTTPS (and HTTP, redirected) from the internet; out to the gateway tasks only" });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "HTTPS from clients");
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), "HTTP from clients, answered with a redirect to HTTPS");
    const taskSecurityGroup = this.taskSecurityGroup = new ec2.SecurityGroup(this, "TaskSecurityGroup", { vpc, allowAllOutbound: false, description: "Gateway tasks: API port from the ALB only; out to Redis, PostgreSQL and HTTPS" });
    taskSecurityGroup.addIngressRule(albSecurityGroup, ec2.Port.tcp(apiPort), "API from the load balancer");
    albSecurityGroup.addEgressRule(taskSecurityGroup, ec2.Port.tcp(apiPort), "to the gateway tasks");
    taskSecurityGroup.addEgressRule(state.redisSecurityGroup, ec2.Port.tcp(redisPort), "Redis");
    state.redisSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(redisPort), "from the gateway tasks");
    taskSecurityGroup.addEgressRule(state.databaseSecurityGroup, ec2.Port.tcp(postgresPort), "PostgreSQL");
    state.databaseSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(postgresPort), "from the gateway tasks");
    // Cognito, ECR, Secrets Manager, CloudWatch Logs and the alert webhook have no fixed addresses: HTTPS out through NAT.
    taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs and the alert webhook");

    this.service = new ecs.FargateService(this, "Service", {
      cluster,
      taskDefinition: task,
      // An initial deployment starts no task: the database has no schema and no gateway role yet (docs/deploy-aws.md).
      desiredCount: settings.initialDeploy ? 0 : settings.gatewayMinTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [taskSecurityGroup],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
    });

    const accessLogs = new s3.Bucket(this, "AccessLogs", {
      // ALB access logs can only be written to SSE-S3 buckets (AWS does not support SSE-KMS for them).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: accessLogLifecycle.infrequentAfter },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: accessLogLifecycle.glacierAfter },
        ],
        expiration: accessLogLifecycle.expireAfter,
        noncurrentVersionExpiration: Duration.days(30),
      }],
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: albSecurityGroup,
      idleTimeout: Duration.seconds(albIdleTimeoutSeconds),
      dropInvalidHeaderFields: true,
      deletionProtection: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
    });
    this.loadBalancer.logAccessLogs(accessLogs, "alb");

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, "Targets", {
      vpc,
      port: apiPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [this.service.loadBalancerTarget({ containerName: "gateway", containerPort: apiPort })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: "/readyz", healthyHttpCodes: "200", interval: Duration.seconds(15), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
    });
    const https = this.loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [acm.Certificate.fromCertificateArn(this, "Certificate", settings.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    https.addTargetGroups("Gateway", { targetGroups: [this.targetGroup] });
    this.loadBalancer.addListener("HttpRedirect", {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: "HTTPS", port: "443", permanent: true }),
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.initialDeploy ? 0 : settings.gatewayMinTasks, maxCapacity: settings.gatewayMaxTasks });
    scaling.scaleOnCpuUtilization("Cpu", { targetUtilizationPercent: 60, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });
    scaling.scaleOnRequestCount("Requests", { requestsPerTarget: 3000, targetGroup: this.targetGroup, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });
  }
}
