import "reflect-metadata";
import { quietWebCryptoProbeWarnings } from "./shared/quiet-warnings";
import { startGateway, type GatewaySettings } from "./app";
import { drainBudgetMs } from "./server";
import { ConfigError, loadConfig, type Config, type DevConfig } from "./config";
import type { LocalCognito } from "./dev/local-cognito";
import { hostedLoginAvailable, startLocalHostedLogin } from "./dev/local-hosted-login";
import { configHelp } from "./config-reference";
import { customAuthSigningKey, generateCustomAuthKeyPair, publicKeyPemOf } from "./shared/custom-auth-proof";
import { bufferedLogDestination, createLogger, type Logger } from "./shared/logger";
import { logStartup } from "./ops/startup-log";

type DevCognito = { endpoint: string; local: LocalCognito | undefined };

/** Dev mode's cognito-local: the one at LOCAL_COGNITO_URL (another instance's), or our own child. */
const devCognito = async ({ port, dir, code, url }: DevConfig["localCognito"], customAuthPublicKey: string): Promise<DevCognito> => {
  if (url) return { endpoint: url, local: undefined };
  // Loaded only here: cognito-local is a dev dependency, absent from a production install.
  const { startLocalCognito } = require("./dev/local-cognito") as typeof import("./dev/local-cognito");
  const local = await startLocalCognito({
    port,
    dir,
    code,
    customAuthPublicKeys: [customAuthPublicKey],
    // The dev mail catcher: in a real pool these codes go by email.
    onCodeDelivered: ({ destination, code: delivered }) => process.stdout.write(`[dev mail] code for ${destination}: ${delivered}\n`),
  });
  return { endpoint: local.endpoint, local };
};

/** Dev mode: start (or join) and provision cognito-local, then point the gateway at it. */
const devSettings = async (config: DevConfig): Promise<{ settings: GatewaySettings; local: LocalCognito | undefined }> => {
  // Per process unless set: our cognito-local learns the public half at spawn, as the pool's triggers would from their environment.
  const customAuthPrivateKey = config.customAuthPrivateKey ?? generateCustomAuthKeyPair().privateKeyPem;
  const { endpoint, local } = await devCognito(config.localCognito, publicKeyPemOf(customAuthSigningKey(customAuthPrivateKey)));
  const { localCredentials, provisionLocalPool } = require("./dev/provision-local") as typeof import("./dev/provision-local");
  // Idempotent: a second instance on the same cognito-local finds the first one's pool and client.
  const pool = await provisionLocalPool(endpoint);
  const { mode: _mode, localCognito: _local, localHostedLoginPort, devAdminEmail: _admin, ...common } = config;
  // Hosted login without AWS: a local OpenID provider at Cognito's paths (the playground's "Sign in with hosted login").
  const hosted = !common.oauth && common.port !== 0 && hostedLoginAvailable() ? await startLocalHostedLogin({ pool: { ...pool, endpoint }, gatewayPort: common.port, port: localHostedLoginPort }) : undefined;
  return {
    local,
    settings: {
      ...common,
      ...(hosted ? { oauth: hosted.oauth } : {}),
      customAuthPrivateKey,
      dev: true,
      cognito: { ...pool, clientSecret: undefined, region: "local", endpoint, credentials: localCredentials, emulator: true },
    },
  };
};

const devWarnings = (logger: Logger, config: DevConfig, settings: GatewaySettings, local: LocalCognito | undefined): void => {
  logger.warn(
    // stoppedOrphan: the pid of a cognito-local an earlier, killed gateway had left running on this data directory.
    { cognito: settings.cognito.endpoint, userPoolId: settings.cognito.userPoolId, data: local ? config.localCognito.dir : "shared (LOCAL_COGNITO_URL)", stoppedOrphan: local?.stoppedOrphan },
    "DEV MODE: using an embedded, local, NON-PRODUCTION Cognito (cognito-local). Never put real patient data here.",
  );
  if (config.localCognito.url && config.customAuthPrivateKey === undefined) {
    logger.warn({ variable: "CUSTOM_AUTH_PRIVATE_KEY" }, "LOCAL_COGNITO_URL without CUSTOM_AUTH_PRIVATE_KEY: passkey and recovery-code sign-in are refused by the shared cognito-local unless this gateway has the same CUSTOM_AUTH_PRIVATE_KEY as the one that started it");
  }
};

const main = async (): Promise<void> => {
  quietWebCryptoProbeWarnings();
  if (process.argv.includes("--help")) {
    process.stdout.write(`${configHelp()}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // People read dev logs in a terminal; machines read JSON.
  const pretty = config.mode === "dev" && process.stdout.isTTY;
  const logger = createLogger(config.logLevel, pretty ? undefined : bufferedLogDestination(), pretty);
  if (process.env["CUSTOM_AUTH_SECRET"]) logger.warn({ variable: "CUSTOM_AUTH_SECRET" }, "CUSTOM_AUTH_SECRET is deprecated and ignored: custom auth is signed with CUSTOM_AUTH_PRIVATE_KEY (docs/production.md); production refuses to start with it");
  if (process.env["EMERGENCY_ACCESS"] === "off") logger.warn({ variable: "EMERGENCY_ACCESS" }, "EMERGENCY_ACCESS=off is deprecated: use DISABLED_FEATURES=emergency-access, which removes the feature from the schema (docs/features.md)");
  if (config.clientTokens === "provider") logger.warn({ variable: "CLIENT_TOKENS" }, "CLIENT_TOKENS=provider is deprecated: clients receive Cognito's own tokens, which Cognito's public API accepts without the gateway's step-up; use the default (gateway) and read display claims from the idToken (SECURITY.md); production refuses to start with it");
  let local: LocalCognito | undefined;
  let settings: GatewaySettings;
  // Production never gets here without a pool (loadConfig refuses), so it never spawns an emulator.
  if (config.mode === "dev") {
    ({ settings, local } = await devSettings(config));
    devWarnings(logger, config, settings, local);
  } else {
    const { mode: _mode, cognito, ...common } = config;
    settings = { ...common, dev: false, cognito };
  }
  const gateway = await startGateway(settings, { logger });
  logStartup(logger, { url: gateway.url, mode: config.gatewayMode === "production" ? "production" : config.mode, playground: settings.playground, subgraphs: settings.subgraphs, disabledFeatures: settings.disabledFeatures, devAdminEmail: config.mode === "dev" ? config.devAdminEmail : undefined });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainBudgetMs }, "shutting down: draining connections");
    // Only a drain that hangs past its budget (plus the flush) is forced, and says so with exit code 1.
    const force = setTimeout(() => process.exit(1), drainBudgetMs + 4000);
    force.unref();
    await gateway.close();
    await local?.stop();
    logger.info({ signal }, "stopped: connections drained, audit log flushed, store closed");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
};

main().catch((error: unknown) => {
  process.stderr.write(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
