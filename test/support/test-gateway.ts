import { totpNow } from "./totp-clock";
import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { startGateway, type GatewayOverrides, type GatewaySettings, type StartedGateway } from "../../src/app";
import { loadConfig } from "../../src/config";
import { MemorySink } from "../../src/audit/audit-log";
import { localCredentials } from "../../src/dev/provision-local";
import { createLogger, silentLogger } from "../../src/shared/logger";
import { RedisStore } from "../../src/store/redis-store";
import { testCognito } from "../setup/test-cognito";
import { execute, type GraphQLResponse, type RequestOptions } from "./graphql-client";
import { noMailNotifier } from "../../src/auth/factors/recovery/notifier";

export type TestGateway = StartedGateway & {
  audit: MemorySink;
  run: <R, V>(document: TypedDocumentNode<R, V> | string, variables?: V, options?: RequestOptions) => Promise<GraphQLResponse<R>>;
};

export const testSettings = (overrides: Partial<GatewaySettings> = {}): GatewaySettings => {
  const cognito = testCognito();
  return {
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    challengeTtlSeconds: 300,
    sessionMaxAgeSeconds: 3600,
    auditLogFile: "unused-in-tests.jsonl",
    totpIssuer: "Test Gateway",
    redisUrl: undefined,
    redisKeyPrefix: "authgw:",
    tokenCacheSize: 1000,
    trustProxyHops: 0,
    // The shipped defaults (lockout after 5, 15-minute idle logoff, 90-day rotation, history of 5), but
    // without the per-minute mutation limits, which every test would otherwise share from 127.0.0.1.
    policy: { ...loadConfig({}).policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 },
    emergency: loadConfig({}).emergency,
    notices: undefined,
    corsOrigins: [],
    // The software authenticator in test/support signs for this origin; the browser test overrides it.
    webauthn: { rpId: "localhost", rpName: "Test Gateway", origins: ["http://localhost:4000"] },
    playground: false,
    customAuthPrivateKey: cognito.customAuthPrivateKey,
    gatewayMode: "dev",
    subgraphs: [],
    supergraphFile: undefined,
    federation: { issuer: "auth-gateway-test", signingKeyFiles: [] },
    dev: true,
    cognito: {
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
      clientSecret: undefined,
      region: "local",
      endpoint: cognito.endpoint,
      issuer: cognito.issuer,
      jwksUri: cognito.jwksUri,
      credentials: localCredentials,
      emulator: true,
    },
    ...overrides,
  };
};

/** `audit` of a gateway given its own sink: any read of its records is an error, not an empty list. */
const unusedSink = (): MemorySink =>
  Object.defineProperty(new MemorySink(), "records", {
    get: () => {
      throw new Error("this gateway writes to the audit sink the test gave it: read that one");
    },
  });

/**
 * A real gateway on a free port, against the run's cognito-local, with an in-memory audit sink.
 * The existence answers (register, resend, forgot password) skip their 250 ms floor: it was a quarter of a
 * second per user set up in every file. The tests that measure those answers keep the shipped floor by
 * passing `answerFloorMs: undefined` (test/integration/seams/existence-timing.slow.test.ts).
 */
export const startTestGateway = async (overrides: GatewayOverrides & { settings?: Partial<GatewaySettings> } = {}): Promise<TestGateway> => {
  const { settings, ...seams } = overrides;
  // With a sink of the test's own, the gateway never writes here: reading it would make an assertion that cannot fail.
  const audit = seams.auditSink === undefined ? new MemorySink() : unusedSink();
  // Owner notices are not printed ([dev mail]) unless a test gives a notifier or a notice webhook.
  const notifier = settings?.notices ? {} : { notifier: noMailNotifier };
  const floor = "answerFloorMs" in seams ? {} : { answerFloorMs: 0 };
  const gateway = await startGateway(testSettings(settings), { auditSink: audit, logger: process.env["DEBUG_GW"] ? createLogger("error") : silentLogger, totpTime: totpNow, ...floor, ...notifier, ...seams });
  return { ...gateway, audit, run: (document, variables, options) => execute(gateway.url, document, variables, options) };
};

/** A Redis store under a key prefix of its own, so test runs never see each other's keys. */
export const testRedisStore = (): RedisStore => new RedisStore({ url: "redis://127.0.0.1:6379", keyPrefix: `authgw-test:${randomUUID()}:` });
