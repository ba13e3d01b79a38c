import type { KeyObject } from "node:crypto";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { AuditLog, MemorySink } from "../../src/audit/audit-log";
import { CognitoAdmin } from "../../src/auth/cognito/cognito-admin";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { createServices } from "../../src/auth/services";
import { loadConfig } from "../../src/config";
import { MemoryStore } from "../../src/store/memory-store";
import { FakeClock } from "../fakes/fake-clock";

/**
 * The real adapters and services over an aws-sdk-client-mock'ed Cognito client: for what only real
 * Cognito does (MFA_SETUP, SECRET_HASH, admin calls cognito-local lacks).
 */
export const mockedCognitoServices = (options: { clientId: string; clientSecret?: string; userPoolId?: string; emulator?: boolean; customAuthKey?: KeyObject }) => {
  const client = new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const cognito = mockClient(client);
  const clock = new FakeClock();
  const sink = new MemorySink();
  const services = createServices({
    idp: new CognitoIdentityProvider({ clientId: options.clientId, clientSecret: options.clientSecret, region: "eu-west-1", endpoint: undefined, client, emulator: options.emulator, customAuthKey: options.customAuthKey }),
    admin: new CognitoAdmin({ client, userPoolId: options.userPoolId ?? "eu-west-1_Pool", emulator: options.emulator }),
    store: new MemoryStore(clock, 0),
    clock,
    audit: new AuditLog({ sink, clock }),
    challengeTtlSeconds: 300,
    sessionMaxAgeSeconds: 3600,
    totpIssuer: "Test",
    totpSealKey: "test-totp-seal-key-of-at-least-32-bytes",
    policy: loadConfig({}).policy,
    webauthn: loadConfig({}).webauthn,
    customAuth: options.customAuthKey !== undefined,
    loginFailuresByAddress: new RateLimiterMemory({ points: 100, duration: 900 }),
    emergency: { settings: loadConfig({}).emergency, alerts: { raise: () => undefined, settled: async () => undefined } },
  });
  return { cognito, services, sink, clock, auth: services.auth, mfa: services.mfa };
};
