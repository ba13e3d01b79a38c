import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { rdsCaBundle } from "./gateway-service";
import { gatewayRole } from "./state";

export type MigrationTaskProps = {
  image: ecs.ContainerImage;
  logGroup: logs.ILogGroup;
  databaseUrl: string;
  ownerSecret: secrets.ISecret;
};

/**
 * A one-off task (run with `aws ecs run-task`, docs/deploy-aws.md) that runs as the schemas' owner role: it
 * applies the migrations and creates the gateway's role, which the gateway's own role cannot do. Same image,
 * same network place as the gateway; no service keeps it running. It never sees the gateway role's password.
 */
export class MigrationTask extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: MigrationTaskProps) {
    super(scope, id);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, "Task", { cpu: 256, memoryLimitMiB: 512, volumes: [{ name: "tmp" }] });
    const container = this.taskDefinition.addContainer("migrate", {
      image: props.image,
      readonlyRootFilesystem: true,
      user: "node",
      command: ["node", "dist/audit/postgres/migrate-cli.js"],
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: "migrate" }),
      // GATEWAY_ROLE: the role the owner creates (without a password: its first rotation gives its alternate user one).
      environment: { NODE_ENV: "production", DATABASE_URL: props.databaseUrl, AUDIT_DATABASE_URL: props.databaseUrl, NODE_EXTRA_CA_CERTS: rdsCaBundle, GATEWAY_ROLE: gatewayRole },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(props.ownerSecret, "username"),
        PGPASSWORD: ecs.Secret.fromSecretsManager(props.ownerSecret, "password"),
      },
    });
    container.addMountPoints({ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false });
  }
}

/** The network settings `aws ecs run-task` needs for this task: the gateway's subnets and security group. */
export const runTaskNetwork = (subnets: ec2.ISubnet[], securityGroup: ec2.ISecurityGroup): string =>
  `awsvpcConfiguration={subnets=[${subnets.map((s) => s.subnetId).join(",")}],securityGroups=[${securityGroup.securityGroupId}],assignPublicIp=DISABLED}`;
