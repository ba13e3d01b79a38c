import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayMetrics } from "../ops/metrics";
import { createMetricsApp } from "./shell";

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
