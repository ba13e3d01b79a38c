import "reflect-metadata";
import { startGateway, type GatewaySettings } from "./app";
import { ConfigError, loadConfig, type Config } from "./config";
import { startLocalCognito, type LocalCognito } from "./dev/local-cognito";
import { localCredentials, provisionLocalPool } from "./dev/provision-local";
import { configHelp } from "./config-reference";
import { createLogger } from "./shared/logger";
import { logStartup } from "./ops/startup-log";

/** Dev mode: start and provision cognito-local, then point the gateway at it. */
const devSettings = async (config: Extract<Config, { mode: "dev" }>): Promise<{ settings: GatewaySettings; local: LocalCognito }> => {
  const { port, dir, code } = config.localCognito;
  const local = await startLocalCognito({
    port,
    dir,
    code,
    // The dev mail catcher: in a real pool these codes go by email.
    onCodeDelivered: ({ destination, code: delivered }) => process.stdout.write(`[dev mail] code for ${destination}: ${delivered}\n`),
  });
  const pool = await provisionLocalPool(local.endpoint);
  const { mode: _mode, localCognito: _local, devAdminEmail: _admin, ...common } = config;
  return {
    local,
    settings: {
      ...common,
      dev: true,
      cognito: { ...pool, clientSecret: undefined, region: "local", endpoint: local.endpoint, credentials: localCredentials, emulator: true },
    },
  };
};

const main = async (): Promise<void> => {
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
  const logger = createLogger(config.logLevel, undefined, config.mode === "dev" && process.stdout.isTTY);
  let local: LocalCognito | undefined;
  let settings: GatewaySettings;
  if (config.mode === "dev") {
    ({ settings, local } = await devSettings(config));
    logger.warn(
      { cognito: local.endpoint, userPoolId: settings.cognito.userPoolId, data: config.localCognito.dir },
      "DEV MODE: using an embedded, local, NON-PRODUCTION Cognito (cognito-local). Never put real patient data here.",
    );
  } else {
    const { mode: _mode, cognito, ...common } = config;
    settings = { ...common, dev: false, cognito };
  }
  const gateway = await startGateway(settings, { logger });
  logStartup(logger, { url: gateway.url, mode: config.mode, playground: settings.playground, subgraphs: settings.subgraphs, devAdminEmail: config.mode === "dev" ? config.devAdminEmail : undefined });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await gateway.close();
    await local?.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
};

main().catch((error: unknown) => {
  process.stderr.write(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
