import { Annotations, type App } from "aws-cdk-lib";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { Validations } from "aws-cdk-lib";
import { acknowledge } from "./acknowledgements";
import { GatewayStack } from "./gateway-stack";
import { placeholdersInUse, readSettings } from "./settings";

/** The app as `cdk synth` and the tests build it: settings from context, the stack, and both cdk-nag packs. */
export const buildApp = (app: App): GatewayStack => {
  const settings = readSettings(app.node);
  const stack = new GatewayStack(app, app.node.tryGetContext("stackName") ?? "HipaaAuthGateway", settings);
  for (const key of placeholdersInUse(settings)) Annotations.of(stack).addWarningV2(`placeholder:${key}`, `context ${key} is still the documented placeholder: set it before deploying (docs/deploy-aws.md)`);
  acknowledge(stack);
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app), new AwsSolutionsChecks(app));
  return stack;
};
