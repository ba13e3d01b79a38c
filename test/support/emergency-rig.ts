import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startPatientsSubgraph } from "../../examples/patients/subgraph";
import { loadConfig } from "../../src/config";
import type { Logger } from "../../src/shared/logger";
import { MeDocument } from "../generated/graphql";
import type { Clock } from "../../src/shared/clock";
import { dataOf } from "./graphql-client";
import { startTestGateway, type TestGateway } from "./test-gateway";
import { enrolledUser, grantGroup, loginWithMfa, type EnrolledUser } from "./users";

/**
 * A clock tests move by hand that otherwise runs with real time: the subgraph checks assertion expiry on the
 * real clock (aws-jwt-verify), so a clock standing still would make every assertion stale after a minute.
 */
export class ShiftedClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advanceSeconds(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export type Received = { headers: IncomingHttpHeaders; body: string; status: number };

/**
 * A local webhook receiver (alerts, owner notices; node:http on a free port) that records what it gets and the
 * status it answered: `answer` decides that status per body, else the one `answerWith` set (204 at first).
 */
export const startWebhookReceiver = async (options: { answer?: (body: string) => number } = {}) => {
  const received: Received[] = [];
  const state = { status: 204 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const status = options.answer?.(body) ?? state.status;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    received,
    /** The status every delivery gets from now on (e.g. 500 to exhaust the retries). */
    answerWith: (status: number) => void (state.status = status),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
};

export const webhookSecret = "test-webhook-secret-of-at-least-32-characters";

export type Member = EnrolledUser & { sub: string };

/** Warn lines the gateway logged (to look for reason text in them). */
export const recordingLogger = (lines: string[]): Logger => {
  const keep = (obj: object, msg?: string) => void lines.push(JSON.stringify({ ...obj, msg }));
  return { debug: () => undefined, info: () => undefined, warn: keep, error: keep };
};

/**
 * Gateway mode with the example patients subgraph, a webhook receiver and a fake clock: everything the
 * emergency-access flows need. Sessions and idle logoff are long so that moving the clock only expires grants.
 */
export const startEmergencyRig = async () => {
  const clock = new ShiftedClock();
  const webhook = await startWebhookReceiver();
  const seen: Record<string, string | string[] | undefined>[] = [];
  const logLines: string[] = [];
  const issuer = "auth-gateway-test";
  // The subgraph needs the gateway's JWKS URL before the gateway listens: reserve the port first.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const patients = await startPatientsSubgraph({ gatewayJwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer, onRequest: (h) => seen.push(h) });
  const defaults = loadConfig({});
  const gw: TestGateway = await startTestGateway({
    clock,
    logger: recordingLogger(logLines),
    settings: {
      port,
      subgraphs: [{ name: "patients", url: patients.url }],
      federation: { issuer, signingKeyFiles: [] },
      sessionMaxAgeSeconds: 30 * 24 * 3600,
      policy: { ...defaults.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0, idleTimeoutSeconds: 14 * 24 * 3600 },
      emergency: { ...defaults.emergency, alertWebhook: { url: webhook.url, secret: webhookSecret }, alertRetryDelaysMs: [0, 0] },
    },
  });

  /** An enrolled user in `group`, signed in again so the token carries it. */
  const member = async (group: "patient" | "provider" | "admin"): Promise<Member> => {
    const user = await enrolledUser(gw);
    const sub = dataOf(await gw.run(MeDocument, {}, { token: user.accessToken })).me.sub;
    await grantGroup(sub, group);
    const tokens = (await loginWithMfa(gw, user)).tokens!;
    return { ...user, sub, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
  };

  return {
    gw,
    clock,
    webhook,
    patients,
    seen,
    logLines,
    member,
    close: async () => {
      await gw.close();
      await patients.close();
      await webhook.close();
    },
  };
};
