import "reflect-metadata";
import pino from "pino";
import { startGateway, type GatewaySettings } from "../../src/app";
import { createLogger } from "../../src/shared/logger";
import { ready } from "./shared";

/**
 * (2)/(3) This gateway, as deployed: memory store, or Redis when the settings say so; gateway mode when
 * they list subgraphs. It logs as `npm start` does (pino, info: a line per request, redaction on), into
 * /dev/null, so the request log is paid for without the bench reading it.
 */
const main = async () => {
  const settings = JSON.parse(String(process.env["BENCH_SETTINGS"])) as GatewaySettings;
  const gateway = await startGateway(settings, { logger: createLogger("info", pino.destination({ dest: "/dev/null", sync: false })) });
  ready(gateway.port);
  // A clean exit on SIGINT, so --cpu-prof can write its profile.
  process.once("SIGINT", () => process.exit(0));
};
void main();
