import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startPatientsSubgraph } from "../patients/subgraph";

/** The repository root (this file runs from examples/ under ts-jest and from dist-examples/ when built). */
const repositoryRoot = (from: string): string => {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "hipaa-auth-gateway") return dir;
  }
  throw new Error("hipaa-auth-gateway's package.json not found above the example");
};

export type FederationExampleOptions = {
  /** The environment `npm start` would get; PORT (default 4000), FEDERATION_ISSUER and the dev-mode variables apply. */
  env: NodeJS.ProcessEnv;
  /** Port of the example subgraph (default 4001). */
  subgraphPort: number;
  /** "inherit": the gateway's log goes to this terminal; "pipe": the caller reads it (tests). */
  stdio: "inherit" | "pipe";
  out: { write(text: string): unknown };
};

export type RunningFederationExample = { gatewayUrl: string; subgraphUrl: string; gateway: ChildProcess; stop(): Promise<void> };

/** What to try, printed once both are up. Every line runs as it is (TOKEN is yours after signing in). */
export const whatToTry = (base: string, subgraphUrl: string): string => {
  const gql = (query: string, auth: boolean) =>
    `curl -s ${base}/graphql -H 'content-type: application/json'${auth ? ' -H "authorization: Bearer $TOKEN"' : ""} -d '{"query":"${query}"}'`;
  return [
    "",
    "Federation example running:",
    `  gateway    ${base}/graphql   (playground ${base}/)`,
    `  patients   ${subgraphUrl}   (the example subgraph: it trusts only the gateway's signed assertions)`,
    "",
    "Try:",
    "  # the keys the subgraph checks the gateway's identity assertions against",
    `  curl -s ${base}/.well-known/jwks.json`,
    "  # anonymous: the subgraph's rule answers UNAUTHENTICATED, through the gateway",
    `  ${gql("{ myRecord { id note } }", false)}`,
    '  # sign up, confirm and sign in with MFA (README "An example session", or the playground), then:',
    "  npm run admin -- grant you@example.com patient",
    "  # sign in again (groups travel in the token), then ask the gateway and the subgraph in one query:",
    `  ${gql("{ me { sub groups } myRecord { id owner note } }", true)}`,
    "  # a patient may not list every record (FORBIDDEN); providers and admins may:",
    `  ${gql("{ patients { owner } }", true)}`,
    "",
    "Ctrl-C stops the gateway, its cognito-local and the subgraph.",
    "",
  ].join("\n");
};

const healthy = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (code ${child.exitCode}) before it was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the gateway was not ready within ${timeoutMs} ms`);
};

/**
 * `npm run example:federation`: the example patients subgraph, then the gateway in gateway mode in front of
 * it (the built `dist/main.js`, as `npm start` runs it, in dev mode unless the environment says otherwise).
 */
export const startFederationExample = async (options: FederationExampleOptions): Promise<RunningFederationExample> => {
  const port = Number(options.env["PORT"] ?? 4000);
  const base = `http://localhost:${port}`;
  // The subgraph fetches the gateway's keys on the first request, so it may start first (it must: the
  // gateway introspects it at start-up).
  const patients = await startPatientsSubgraph({
    port: options.subgraphPort,
    gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: options.env["FEDERATION_ISSUER"] ?? "auth-gateway",
  });
  const gateway = spawn(process.execPath, [join(repositoryRoot(__dirname), "dist", "main.js")], {
    env: { ...options.env, PORT: String(port), SUBGRAPHS: `patients=${patients.url}` },
    stdio: ["ignore", options.stdio, options.stdio],
  });
  const stop = async () => {
    if (gateway.exitCode === null && gateway.signalCode === null) {
      const exited = new Promise((r) => gateway.once("exit", r));
      gateway.kill("SIGTERM");
      await exited;
    }
    await patients.close();
  };
  try {
    await healthy(`http://127.0.0.1:${port}/healthz`, gateway, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  options.out.write(whatToTry(base, patients.url));
  return { gatewayUrl: `${base}/graphql`, subgraphUrl: patients.url, gateway, stop };
};
