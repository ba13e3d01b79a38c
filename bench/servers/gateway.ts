import "reflect-metadata";
import { startGateway, type GatewaySettings } from "../../src/app";
import { silentLogger } from "../../src/shared/logger";
import { ready } from "./shared";

/** (2)/(3) This gateway, as deployed: memory store, or Redis when the settings say so. */
const main = async () => {
  const settings = JSON.parse(String(process.env["BENCH_SETTINGS"])) as GatewaySettings;
  const gateway = await startGateway(settings, { logger: silentLogger });
  ready(gateway.port);
  // A clean exit on SIGINT, so --cpu-prof can write its profile.
  process.once("SIGINT", () => process.exit(0));
};
void main();
