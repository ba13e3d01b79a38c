import { RemovalPolicy, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { logRetention } from "./retention";

/**
 * Three tiers in two AZs: public subnets hold only the load balancer and the NAT gateways; the gateway's tasks
 * run in private subnets (out through NAT to Cognito, ECR, Secrets Manager); Redis, PostgreSQL and the
 * custom-auth triggers sit in isolated subnets with no route out at all. Every flow is logged.
 */
export class GatewayNetwork extends Construct {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: { key: kms.IKey; availabilityZones: string[] }) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      // Named, not looked up: synth needs no AWS account.
      availabilityZones: props.availabilityZones,
      // One NAT gateway per AZ: losing an AZ does not cut the other AZ's tasks off from Cognito.
      natGateways: 2,
      subnetConfiguration: [
        // Nothing launched here gets a public address by default: the ALB and the NAT gateways bring their own.
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: "tasks", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: "data", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
    });
    Validations.of(this.vpc).acknowledge({
      id: "CloudFormation-Validate::W3010",
      reason: "The AZs are named in context (availabilityZones) so that synth needs no AWS account to look them up; docs/deploy-aws.md says how to choose them.",
    });
    const flowLogs = new logs.LogGroup(this, "FlowLogs", { retention: logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    const role = new iam.Role(this, "FlowLogsRole", { assumedBy: new iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"), description: "VPC flow logs: write to their own log group" });
    this.vpc.addFlowLog("AllTraffic", { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs, role), trafficType: ec2.FlowLogTrafficType.ALL });
  }
}
