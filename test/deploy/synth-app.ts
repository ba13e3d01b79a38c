import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildApp, type BuildOptions } from "../../deploy/aws/lib/build-app";
import type { GatewayStack } from "../../deploy/aws/lib/gateway-stack";
import { readSettings, type DeploySettings } from "../../deploy/aws/lib/settings";

/** The context `cd deploy/aws && npx cdk synth` uses (cdk.json's documented placeholders). */
export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(__dirname, "../../deploy/aws/cdk.json"), "utf8")) as { context: Record<string, unknown> }).context;

export type BuiltApp = { app: App; stack: GatewayStack; settings: DeploySettings; outdir: string };

/** Builds the app offline into a temporary directory (no AWS account, no Docker: Lambda bundling uses the local esbuild). */
export const buildTestApp = (context: Record<string, unknown> = {}, options?: BuildOptions): BuiltApp => {
  const outdir = mkdtempSync(join(tmpdir(), "authgw-cdk-"));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...context } });
  const stack = buildApp(app, options);
  return { app, stack, settings: readSettings(app.node), outdir };
};

/** Synthesises (cdk-nag runs here: an unacknowledged error throws) and returns the stack's template. */
export const synthTemplate = (built: BuiltApp): Template => {
  built.app.synth();
  return Template.fromStack(built.stack);
};
