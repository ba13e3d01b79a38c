import { Duration, RemovalPolicy, SecretValue } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elasticache from "aws-cdk-lib/aws-elasticache";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as rds from "aws-cdk-lib/aws-rds";
import * as sam from "aws-cdk-lib/aws-sam";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { logRetention } from "./retention";

export const redisPort = 6379;
export const postgresPort = 5432;
export const databaseName = "gateway";
/** The PostgreSQL role the gateway logs in as (created once by the owner; docs/deploy-aws.md). */
export const gatewayRole = "gateway";

/**
 * The gateway's two stores. Redis (ephemeral state: sessions, handles, limiter counters) and PostgreSQL
 * (lasting records and the audit trail), both encrypted at rest with the stack's KMS key and in transit
 * with TLS, both Multi-AZ with automatic failover, both reachable only from the gateway's security group.
 */
export class GatewayState extends Construct {
  readonly redisSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly redis: elasticache.CfnReplicationGroup;
  /** rediss://:token@primary:6379 as one secret: ioredis takes the token from the URL. */
  readonly redisUrl: secrets.Secret;
  readonly database: rds.DatabaseInstance;
  /** The gateway role's credentials (rotating, alternating users). */
  readonly databaseSecret: secrets.ISecret;
  /** The owner role's credentials: migrations and role management only, never the gateway. */
  readonly ownerSecret: secrets.ISecret;

  constructor(scope: Construct, id: string, props: { vpc: ec2.IVpc; key: kms.IKey; instanceIdentifier: string }) {
    super(scope, id);
    const { vpc, key } = props;
    const isolated = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });

    this.redisSecurityGroup = new ec2.SecurityGroup(this, "RedisSecurityGroup", { vpc, allowAllOutbound: false, description: "Redis: inbound from the gateway tasks only" });
    const redisSubnets = new elasticache.CfnSubnetGroup(this, "RedisSubnets", { description: "Isolated subnets for Redis", subnetIds: isolated.subnetIds });
    const authToken = new secrets.Secret(this, "RedisAuthToken", {
      description: "ElastiCache Redis AUTH token",
      encryptionKey: key,
      // ElastiCache accepts 16-128 printable characters without @, " or /.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.redis = new elasticache.CfnReplicationGroup(this, "Redis", {
      replicationGroupDescription: "Auth gateway state store (sessions, challenge handles, limiter counters)",
      engine: "redis",
      engineVersion: "7.1",
      cacheNodeType: "cache.t4g.micro",
      numCacheClusters: 2,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyId,
      authToken: authToken.secretValue.unsafeUnwrap(),
      port: redisPort,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [this.redisSecurityGroup.securityGroupId],
      // Losing Redis loses nothing lasting (ephemeral state only); daily snapshots kept 15 days restore it faster than an empty start.
      snapshotRetentionLimit: 15,
      autoMinorVersionUpgrade: true,
    });
    this.redisUrl = new secrets.Secret(this, "RedisUrl", {
      description: "REDIS_URL of the gateway (rediss:// with the AUTH token)",
      encryptionKey: key,
      // A dynamic reference to the token inside the URL: CloudFormation resolves it at deploy time, the template holds no token.
      secretStringValue: SecretValue.unsafePlainText(`rediss://:${authToken.secretValue.unsafeUnwrap()}@${this.redis.attrPrimaryEndPointAddress}:${redisPort}`),
    });

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, "DatabaseSecurityGroup", { vpc, allowAllOutbound: false, description: "PostgreSQL: inbound from the gateway tasks and the rotation function only" });
    const parameters = new rds.ParameterGroup(this, "DatabaseParameters", {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      // TLS only; connections logged for the database's own audit trail. Not log_statement=ddl: CREATE/ALTER ROLE
      // statements (the rotation functions') carry passwords in the clear and would land in the exported logs.
      parameters: { "rds.force_ssl": "1", log_connections: "1", log_disconnections: "1" },
    });
    // Created here (KMS-encrypted, six years) before RDS would create them unencrypted with no expiry.
    const exportedLogs = ["postgresql", "upgrade"];
    const databaseLogs = exportedLogs.map((name) => new logs.LogGroup(this, `DatabaseLogs-${name}`, { logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${name}`, retention: logRetention, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN }));
    this.database = new rds.DatabaseInstance(this, "Database", {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MICRO),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.databaseSecurityGroup],
      multiAz: true,
      databaseName,
      port: postgresPort,
      // The owner role of the schemas (runs migrations); the gateway's own role is created as docs/deploy-aws.md says.
      credentials: rds.Credentials.fromGeneratedSecret("gateway_owner", { encryptionKey: key }),
      storageEncrypted: true,
      storageEncryptionKey: key,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      storageType: rds.StorageType.GP3,
      backupRetention: Duration.days(35),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      parameterGroup: parameters,
      instanceIdentifier: props.instanceIdentifier,
      cloudwatchLogsExports: exportedLogs,
      monitoringInterval: Duration.seconds(60),
      autoMinorVersionUpgrade: true,
      iamAuthentication: true,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
    });
    for (const logGroup of databaseLogs) this.database.node.addDependency(logGroup);
    const ownerSecret = this.database.secret;
    if (!ownerSecret) throw new Error("the database has no generated owner secret");
    this.ownerSecret = ownerSecret;
    // Rotation functions need Secrets Manager's API: they run in the subnets that route out through NAT.
    const rotationSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const ownerRotation = this.database.addRotationSingleUser({ automaticallyAfter: Duration.days(30), vpcSubnets: rotationSubnets });
    // The gateway's own role (no DDL, append-only audit grants). Alternating users: the credential a running task
    // read stays valid until the rotation after next, so a rotation never cuts off the tasks already running.
    const gatewaySecret = new rds.DatabaseSecret(this, "GatewayRoleSecret", { username: gatewayRole, masterSecret: ownerSecret, encryptionKey: key });
    const attached = gatewaySecret.attach(this.database);
    // Not rotated at creation: the first rotation needs the role, which the owner creates after the first deployment.
    const gatewayRotation = this.database.addRotationMultiUser("GatewayRole", { secret: attached, automaticallyAfter: Duration.days(30), vpcSubnets: rotationSubnets, rotateImmediatelyOnUpdate: false });
    for (const rotation of [ownerRotation, gatewayRotation]) encryptRotationLogs(rotation, key);
    this.databaseSecret = attached;
  }
}

/**
 * The rotation functions come from the Serverless Application Repository with a fixed function name: their log
 * group is created here first (KMS, six years) instead of by Lambda on the first run (unencrypted, kept forever).
 */
const encryptRotationLogs = (rotation: secrets.SecretRotation, key: kms.IKey): void => {
  const application = rotation.node.children.find((child): child is sam.CfnApplication => child instanceof sam.CfnApplication);
  const parameters = application?.parameters as Record<string, unknown> | undefined;
  const functionName = parameters?.["functionName"];
  if (!application || typeof functionName !== "string") throw new Error(`rotation ${rotation.node.path}: no function name to give a log group`);
  const logGroup = new logs.LogGroup(rotation, "Logs", { logGroupName: `/aws/lambda/${functionName}`, retention: logRetention, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
  application.node.addDependency(logGroup);
};
