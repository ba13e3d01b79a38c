import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of a subgraph that can stall on demand: while `stalled`, the bytes of requests are
 * taken and never passed on (the subgraph looks hung, as a SIGSTOPped process does), and counted, so a test
 * can tell whether a request reached the wire at all.
 */
export type StallingProxy = { url: string; stalled: boolean; bytesHeld: number; close(): Promise<void> };

export const startStallingProxy = async (target: URL): Promise<StallingProxy> => {
  const sockets = new Set<Socket>();
  const state = { stalled: false, bytesHeld: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on("data", (chunk: Buffer) => {
      if (state.stalled) state.bytesHeld += chunk.length;
      else upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
};
