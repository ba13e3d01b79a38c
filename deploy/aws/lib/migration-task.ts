import type * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { rdsCaBundle } from "./gateway-service";

export type MigrationTaskProps = {
  image: ecs.ContainerImage;
  logGroup: logs.ILogGroup;
  databaseUrl: string;
  ownerSecret: secrets.ISecret;
  gatewayRoleSecret: secrets.ISecret;
};

/**
 * A one-off task (run with `aws ecs run-task`, docs/deploy-aws.md) that runs as the schemas' owner role: it
 * applies the migrations and creates the gateway's role, which the gateway's own role cannot do. Same image,
 * same network place as the gateway; no service keeps it running.
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
      environment: { NODE_ENV: "production", DATABASE_URL: props.databaseUrl, AUDIT_DATABASE_URL: props.databaseUrl, NODE_EXTRA_CA_CERTS: rdsCaBundle },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(props.ownerSecret, "username"),
        PGPASSWORD: ecs.Secret.fromSecretsManager(props.ownerSecret, "password"),
        // Only for creating the gateway's role with the password its secret already holds.
        GATEWAY_ROLE_NAME: ecs.Secret.fromSecretsManager(props.gatewayRoleSecret, "username"),
        GATEWAY_ROLE_PASSWORD: ecs.Secret.fromSecretsManager(props.gatewayRoleSecret, "password"),
      },
    });
    container.addMountPoints({ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false });
  }
}

/** The network settings `aws ecs run-task` needs for this task: the gateway's subnets and security group. */
export const runTaskNetwork = (subnets: ec2.ISubnet[], securityGroup: ec2.ISecurityGroup): string =>
  `awsvpcConfiguration={subnets=[${subnets.map((s) => s.subnetId).join(",")}],securityGroups=[${securityGroup.securityGroupId}],assignPublicIp=DISABLED}`;
