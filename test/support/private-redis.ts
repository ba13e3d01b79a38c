import { spawn } from "node:child_process";
import { connect } from "node:net";
import Redis from "ioredis";
import { waitFor } from "./gateway-process";
import { freePort } from "./ports";

/** A redis-server of this test's own (never the shared one), for faults that fill, stop or wipe it. */
export type PrivateRedis = { url: string; admin: Redis; stop(): Promise<void> };

export const startPrivateRedis = async (args: string[] = []): Promise<PrivateRedis> => {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...args], { stdio: "ignore" });
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
  await waitFor(answers, "the private redis-server listens");
  const admin = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  admin.on("error", () => {});
  return {
    url: `redis://127.0.0.1:${port}`,
    admin,
    stop: async () => {
      admin.disconnect();
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
};
