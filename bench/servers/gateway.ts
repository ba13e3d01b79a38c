import "reflect-metadata";
import { startGateway, type GatewaySettings } from "../../src/app";
import type { AuditSink } from "../../src/audit/audit-log";
import { bufferedLogDestination, createLogger } from "../../src/shared/logger";
import { exitCleanlyWithProfile, ready } from "./shared";

/**
 * (2)/(3) This gateway, as deployed: memory store, or Redis when the settings say so; gateway mode when
 * they list subgraphs. It logs as `npm start` does (pino, info: a line per request, redaction on, the same
 * buffered stream), into /dev/null, so the request log is paid for without the bench reading it.
 * BENCH_AUDIT=discard (bench/login-ab.ts's LOGIN_ABLATE_AUDIT only): audit records go nowhere, so a paired run
 * shows what the durable audit writes cost a login.
 */
const discard: AuditSink = { write: () => Promise.resolve() };
const main = async () => {
  const settings = JSON.parse(String(process.env["BENCH_SETTINGS"])) as GatewaySettings;
  const gateway = await startGateway(settings, { logger: createLogger("info", bufferedLogDestination("/dev/null")), ...(process.env["BENCH_AUDIT"] === "discard" && { auditSink: discard }) });
  ready(gateway.port);
  exitCleanlyWithProfile();
};
void main();
