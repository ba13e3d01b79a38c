import { rmSync } from "node:fs";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { buildTestApp, type BuiltApp } from "./synth-app";

// Built once, without bundling the triggers (only the service's counts matter here).
let built: BuiltApp;
beforeAll(() => {
  built = buildTestApp({ "aws:cdk:bundling-stacks": [], initialDeploy: true });
});
afterAll(() => rmSync(built.outdir, { recursive: true, force: true }));

describe("the first deployment (initialDeploy)", () => {
  it("creates everything but starts no gateway task, and says so", () => {
    const template = Template.fromStack(built.stack);
    template.hasResourceProperties("AWS::ECS::Service", { DesiredCount: 0 });
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 0 });
    template.resourceCountIs("AWS::RDS::DBInstance", 1);
    expect(Annotations.fromStack(built.stack).findWarning("*", Match.stringLikeRegexp("initialDeploy"))).not.toEqual([]);
  });
});
