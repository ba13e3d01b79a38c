import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMetricsApp } from "../http/shell";
import type { GatewayMetrics } from "./metrics";

/** What the composition root must never be given in production, whoever calls it (config refuses these first). */
export const assertProductionSettings = (
  settings: { redisUrl: string | undefined; auditDatabase?: unknown; cognito: { emulator?: boolean | undefined } },
  overrides: { store?: unknown; auditSink?: unknown },
): void => {
  const wrong = [
    settings.redisUrl === undefined && overrides.store === undefined && "no REDIS_URL (the memory store)",
    settings.auditDatabase === undefined && overrides.auditSink === undefined && "no PostgreSQL audit trail (the file sink)",
    settings.cognito.emulator === true && "an emulated Cognito",
  ].filter((w): w is string => typeof w === "string");
  if (wrong.length > 0) throw new Error(`production mode cannot start with ${wrong.join(", ")}`);
};

/** METRICS_PORT: /metrics on a listener of its own (bind it where only monitoring reaches). */
export const listenForMetrics = async (metrics: GatewayMetrics, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> => {
  const server: Server = await new Promise((resolve, reject) => {
    const s = createMetricsApp(metrics).listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
