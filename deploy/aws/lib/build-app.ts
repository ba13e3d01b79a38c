import { Annotations, Validations, type App } from "aws-cdk-lib";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { acknowledge, acknowledgements, type Acknowledgement } from "./acknowledgements";
import { GatewayStack } from "./gateway-stack";
import { placeholdersInUse, readSettings } from "./settings";

export type BuildOptions = {
  /** The accepted cdk-nag findings (tests pass none to see every finding the list answers). */
  acknowledgements?: readonly Acknowledgement[];
};

/** The app as `cdk synth` and the tests build it: settings from context, the stack, and both cdk-nag packs. */
export const buildApp = (app: App, options: BuildOptions = {}): GatewayStack => {
  const settings = readSettings(app.node);
  const stackName: unknown = app.node.tryGetContext("stackName");
  const stack = new GatewayStack(app, typeof stackName === "string" ? stackName : "HipaaAuthGateway", settings);
  for (const key of placeholdersInUse(settings)) Annotations.of(stack).addWarningV2(`placeholder:${key}`, `context ${key} is still the documented placeholder: set it before deploying (docs/deploy-aws.md)`);
  if (settings.initialDeploy) Annotations.of(stack).addWarningV2("initialDeploy", "initialDeploy: the gateway service runs no task; migrate, create the gateway role, then deploy without it (docs/deploy-aws.md)");
  acknowledge(stack, options.acknowledgements ?? acknowledgements);
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app), new AwsSolutionsChecks(app));
  return stack;
};
