import { startFederationExample } from "./run";

/** `npm run example:federation` (SUBGRAPH_PORT: the example subgraph's port, default 4101 or a free one). */
const main = async () => {
  const running = await startFederationExample({ env: process.env, subgraphPort: process.env["SUBGRAPH_PORT"] ? Number(process.env["SUBGRAPH_PORT"]) : undefined, stdio: "inherit", out: process.stdout });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  running.gateway.once("exit", (code) => {
    if (!stopping) void running.stop().then(() => process.exit(code ?? 1));
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`The federation example failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
