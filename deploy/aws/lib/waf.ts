import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { logRetention } from "./retention";

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
  visibilityConfig: visibility(name),
});

/**
 * AWS WAF in front of the load balancer. The gateway limits per address and per account itself (in Redis);
 * WAF's rate-based rules stop a flood before it costs a task anything: every address, and a tighter limit on
 * the unauthenticated hosted-login routes. AWS's managed rule groups drop known-bad inputs and reputations.
 */
export class GatewayFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: { loadBalancer: elbv2.IApplicationLoadBalancer; requestsPerFiveMinutes: number; key: kms.IKey }) {
    super(scope, id);
    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("gateway-web-acl"),
      rules: [
        {
          name: "RatePerAddress",
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: props.requestsPerFiveMinutes, evaluationWindowSec: 300 } },
          visibilityConfig: visibility("rate-per-address"),
        },
        {
          name: "RatePerAddressHostedLogin",
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: Math.max(100, Math.floor(props.requestsPerFiveMinutes / 10)),
              evaluationWindowSec: 300,
              scopeDownStatement: { byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: "STARTS_WITH", searchString: "/auth/", textTransformations: [{ priority: 0, type: "LOWERCASE" }] } },
            },
          },
          visibilityConfig: visibility("rate-per-address-hosted-login"),
        },
        managed("AWSManagedRulesAmazonIpReputationList", 2),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
        managed("AWSManagedRulesCommonRuleSet", 4),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, "Association", { resourceArn: props.loadBalancer.loadBalancerArn, webAclArn: this.webAcl.attrArn });

    // WAF writes only to log groups whose name starts with aws-waf-logs-.
    const logGroup = new logs.LogGroup(this, "WafLogs", { logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`, retention: logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    new wafv2.CfnLoggingConfiguration(this, "Logging", {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [Stack.of(this).formatArn({ service: "logs", resource: "log-group", resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      // The Authorization header and cookies never reach the WAF log.
      redactedFields: [{ singleHeader: { Name: "authorization" } }, { singleHeader: { Name: "cookie" } }],
    });
  }
}
