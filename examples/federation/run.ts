import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
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

/** `preferred` when it is free on loopback, else one the system picks: the example never fights `npm start`. */
export const portFor = (preferred: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = (port: number) => {
      const server = createServer();
      server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" && port !== 0 ? probe(0) : reject(error)));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
      });
    };
    probe(preferred);
  });

export type FederationExampleOptions = {
  /**
   * The environment `npm start` would get; FEDERATION_ISSUER and the dev-mode variables apply. Unless set,
   * PORT (4100), LOCAL_COGNITO_PORT (9329), LOCAL_COGNITO_DIR (.federation-example) and AUDIT_LOG_FILE are
   * the example's own, so it runs beside `npm start`.
   */
  env: NodeJS.ProcessEnv;
  /** Port of the example subgraph (default 4101, or a free one). */
  subgraphPort?: number | undefined;
  /** "inherit": the gateway's log goes to this terminal; "pipe": the caller reads it (tests). */
  stdio: "inherit" | "pipe";
  out: { write(text: string): unknown };
};

export type RunningFederationExample = { gatewayUrl: string; subgraphUrl: string; gateway: ChildProcess; stop(): Promise<void> };

/** What to try, printed once both are up. Every line runs as it is (TOKEN is yours after signing in). */
export const whatToTry = (base: string, subgraphUrl: string, adminEnv = ""): string => {
  /** `shellVars`: GraphQL variable → the shell variable it is filled from (quoted so the shell expands only it). */
  const gql = (query: string, auth: boolean, shellVars: Record<string, string> = {}) => {
    const variables = Object.entries(shellVars).map(([name, from]) => `"${name}":"'"$${from}"'"`);
    const body = `{"query":"${query}"${variables.length > 0 ? `,"variables":{${variables.join(",")}}` : ""}}`;
    return `curl -s ${base}/graphql -H 'content-type: application/json'${auth ? ' -H "authorization: Bearer $TOKEN"' : ""} -d '${body}'`;
  };
  const admin = `${adminEnv ? `${adminEnv} ` : ""}npm run admin --`;
  return [
    "",
    "Federation example running (its own ports and data directory, beside npm start):",
    `  gateway    ${base}/graphql   (playground ${base}/)`,
    `  patients   ${subgraphUrl}   (the example subgraph: it trusts only the gateway's signed assertions)`,
    "",
    "Try (docs/federation-example.md walks through it):",
    "  # the keys the subgraph checks the gateway's identity assertions against",
    `  curl -s ${base}/.well-known/jwks.json`,
    "  # anonymous: the subgraph's rule answers UNAUTHENTICATED, through the gateway",
    `  ${gql("{ myRecord { id note } }", false)}`,
    `  # sign up, confirm and sign in with MFA (the playground at ${base}/), then:`,
    `  ${admin} grant you@example.com patient`,
    "  # sign in again (groups travel in the token), then ask the gateway and the subgraph in one query:",
    `  ${gql("{ me { sub groups } myRecord { id owner note } }", true)}`,
    "  # a patient may not list every record (FORBIDDEN); providers and admins may:",
    `  ${gql("{ patients { owner } }", true)}`,
    `  # with an admin's TOKEN (${admin} grant admin@example.com admin): everyone's ids, then assign a patient to a provider`,
    `  ${gql("{ users(first: 50) { nodes { id email } } }", true)}`,
    `  ${gql("mutation Assign($provider: ID!, $patient: ID!) { assignPatient(providerId: $provider, patientId: $patient) { providerId patientIds } }", true, { provider: "PROVIDER_ID", patient: "PATIENT_ID" })}`,
    "  # with that provider's TOKEN: the assigned patient's record",
    `  ${gql("query Record($patient: ID!) { patient(id: $patient) { owner note } }", true, { patient: "PATIENT_ID" })}`,
    "",
    "Ctrl-C stops the gateway, its cognito-local and the subgraph.",
    "",
  ].join("\n");
};

const healthy = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (code ${child.exitCode}) before it was ready`);
    // Listening is not ready: the gateway composes the supergraph after it listens (/graphql answers 503 until then).
    const ok = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
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
  const root = repositoryRoot(__dirname);
  const port = options.env["PORT"] ? Number(options.env["PORT"]) : await portFor(4100);
  const subgraphPort = options.subgraphPort ?? (await portFor(4101));
  const ownDir = join(root, ".federation-example");
  // The example's own cognito-local and data: `npm start`'s (port 9229, .cognito/) may be running.
  const dev = options.env["LOCAL_COGNITO_URL"]
    ? {}
    : {
        LOCAL_COGNITO_PORT: options.env["LOCAL_COGNITO_PORT"] ?? String(await portFor(9329)),
        LOCAL_COGNITO_DIR: options.env["LOCAL_COGNITO_DIR"] ?? ownDir,
        AUDIT_LOG_FILE: options.env["AUDIT_LOG_FILE"] ?? join(options.env["LOCAL_COGNITO_DIR"] ?? ownDir, "audit.jsonl"),
      };
  const base = `http://localhost:${port}`;
  // The subgraph fetches the gateway's keys on the first request, so it may start first (it must: the
  // gateway introspects it at start-up).
  const patients = await startPatientsSubgraph({
    port: subgraphPort,
    gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: options.env["FEDERATION_ISSUER"] ?? "auth-gateway",
  });
  const gateway = spawn(process.execPath, [join(root, "dist", "main.js")], {
    env: { ...options.env, ...dev, PORT: String(port), SUBGRAPHS: `patients=${patients.url}` },
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
    await healthy(`http://127.0.0.1:${port}/graphql`, gateway, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  // `npm run admin` must find this example's cognito-local and audit file, not npm start's.
  const adminEnv = "LOCAL_COGNITO_PORT" in dev ? `LOCAL_COGNITO_PORT=${dev.LOCAL_COGNITO_PORT} AUDIT_LOG_FILE=${dev.AUDIT_LOG_FILE}` : "";
  options.out.write(whatToTry(base, patients.url, adminEnv));
  return { gatewayUrl: `${base}/graphql`, subgraphUrl: patients.url, gateway, stop };
};
