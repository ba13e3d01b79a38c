import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { startGateway, type GatewaySettings } from "../../src/app";
import { bufferedLogDestination, createLogger } from "../../src/shared/logger";
import { ready } from "./shared";

/**
 * (2)/(3) This gateway, as deployed: memory store, or Redis when the settings say so; gateway mode when
 * they list subgraphs. It logs as `npm start` does (pino, info: a line per request, redaction on, the same
 * buffered stream), into /dev/null, so the request log is paid for without the bench reading it.
 */
const main = async () => {
  const settings = JSON.parse(String(process.env["BENCH_SETTINGS"])) as GatewaySettings;
  const gateway = await startGateway(settings, { logger: createLogger("info", bufferedLogDestination("/dev/null")) });
  ready(gateway.port);
  // BENCH_PROFILE_OUT: a V8 CPU profile of the measured window only (SIGUSR2 starts it, SIGINT writes it),
  // so start-up, module loading and warm-up stay out of it.
  const out = process.env["BENCH_PROFILE_OUT"];
  const session = out === undefined ? undefined : new Session();
  session?.connect();
  process.once("SIGUSR2", () => void session?.post("Profiler.enable").then(() => session.post("Profiler.start")));
  // A clean exit on SIGINT, so --cpu-prof (or the window profile) can be written.
  process.once("SIGINT", () => {
    if (session === undefined || out === undefined) process.exit(0);
    void session
      .post("Profiler.stop")
      .then(({ profile }) => writeFileSync(out, JSON.stringify(profile)))
      .finally(() => process.exit(0));
  });
};
void main();
