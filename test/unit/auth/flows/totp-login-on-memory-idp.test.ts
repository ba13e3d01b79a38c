import { startGateway, type StartedGateway } from "../../../../src/app";
import { MemorySink } from "../../../../src/audit/audit-log";
import { noMailNotifier } from "../../../../src/auth/factors/recovery/notifier";
import { loadConfig } from "../../../../src/config";
import { createAccessTokenVerifier } from "../../../../src/context/token-verifier";
import { silentLogger } from "../../../../src/shared/logger";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { authenticator } from "otplib";
import { BeginMfaSetupDocument, CompleteMfaSetupDocument, ConfirmSignUpDocument, LoginDocument, MeDocument, RegisterDocument, RespondToMfaDocument } from "../../../generated/graphql";
import { FakeClock } from "../../../fakes/fake-clock";
import { MemoryIdentityProvider } from "../../../fakes/memory-identity-provider";
import { dataOf, errorOf, execute, type RequestOptions } from "../../../support/graphql-client";

/**
 * A login flow at unit speed: the real gateway over HTTP, on the in-memory IdentityProvider (which passes the
 * provider contract with cognito-local) and one fake clock for both. The Cognito endpoint is a closed port,
 * so a call that slipped past the fake would fail the test instead of quietly needing the emulator.
 */
const CODE = "654321";
const PASSWORD = "Correct-Horse-Battery-9";
const issuer = "http://memory-idp.test/local_memory";
const clientId = "memory-client";

describe("TOTP login on the in-memory identity provider and a fake clock", () => {
  let clock: FakeClock;
  let idp: MemoryIdentityProvider;
  let gw: StartedGateway;
  const run = <R, V>(document: TypedDocumentNode<R, V>, variables?: V, options?: RequestOptions) => execute(gw.url, document, variables, options);

  beforeAll(async () => {
    clock = new FakeClock();
    idp = new MemoryIdentityProvider({ clock, confirmationCode: CODE, issuer, clientId });
    const config = loadConfig({});
    gw = await startGateway(
      {
        port: 0, host: "127.0.0.1", logLevel: "silent", challengeTtlSeconds: 300, sessionMaxAgeSeconds: 3600, auditLogFile: "unused-in-tests.jsonl",
        totpIssuer: "Test Gateway", redisUrl: undefined, redisKeyPrefix: "authgw:", tokenCacheSize: 100, trustProxyHops: 0,
        policy: { ...config.policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, rateLimitUserPerMinute: 0 },
        emergency: config.emergency, notices: undefined, corsOrigins: [], webauthn: { rpId: "localhost", rpName: "Test Gateway", origins: ["http://localhost:4000"] },
        playground: false, customAuthPrivateKey: undefined, gatewayMode: "dev", subgraphs: [], supergraphFile: undefined, federation: { issuer: "auth-gateway-test", signingKeyFiles: [] }, dev: true,
        cognito: { userPoolId: "local_memory", clientId, clientSecret: undefined, region: "local", endpoint: "http://127.0.0.1:9", issuer, jwksUri: `${issuer}/.well-known/jwks.json`, credentials: { accessKeyId: "x", secretAccessKey: "x" }, emulator: true },
      },
      { clock, idp, auditSink: new MemorySink(), logger: silentLogger, notifier: noMailNotifier, verifier: createAccessTokenVerifier({ issuer, clientId, jwksUri: `${issuer}/.well-known/jwks.json`, jwks: idp.jwks() }) },
    );
  });
  afterAll(() => gw?.close());

  const codeNow = (secret: string) => authenticator.clone({ epoch: clock.now() }).generate(secret);

  it("enrols, then signs in four times in a row with a new code each 30 s of fake time; a replayed code is refused", async () => {
    const email = `flow-${Date.now()}@example.test`;
    dataOf(await run(RegisterDocument, { input: { email, password: PASSWORD } }));
    dataOf(await run(ConfirmSignUpDocument, { email, code: CODE }));
    const login = dataOf(await run(LoginDocument, { email, password: PASSWORD })).login;
    const setup = dataOf(await run(BeginMfaSetupDocument, { session: login.challenge!.session })).beginMfaSetup;
    const enrolled = dataOf(await run(CompleteMfaSetupDocument, { session: setup.session, code: codeNow(setup.secret) })).completeMfaSetup.tokens!;
    expect(dataOf(await run(MeDocument, {}, { token: enrolled.accessToken })).me.email).toBe(email);

    let last = "";
    for (let i = 0; i < 4; i++) {
      clock.advanceSeconds(30);
      last = codeNow(setup.secret);
      const challenge = dataOf(await run(LoginDocument, { email, password: PASSWORD })).login.challenge!;
      expect(challenge.name).toBe("SOFTWARE_TOKEN_MFA");
      const tokens = dataOf(await run(RespondToMfaDocument, { session: challenge.session, code: last })).respondToMfa.tokens!;
      expect(dataOf(await run(MeDocument, {}, { token: tokens.accessToken })).me.email).toBe(email);
    }
    // The fake accepts the code again (as cognito-local does): the refusal is the gateway's own replay record.
    const again = dataOf(await run(LoginDocument, { email, password: PASSWORD })).login.challenge!;
    expect(errorOf(await run(RespondToMfaDocument, { session: again.session, code: last })).extensions.code).toBe("CODE_MISMATCH");
  });

  it("answers SERVICE_UNAVAILABLE while the provider is down, and signs in again once it is back", async () => {
    const email = `flow-down-${Date.now()}@example.test`;
    dataOf(await run(RegisterDocument, { input: { email, password: PASSWORD } }));
    dataOf(await run(ConfirmSignUpDocument, { email, code: CODE }));
    idp.unavailable = true;
    try {
      expect(errorOf(await run(LoginDocument, { email, password: PASSWORD })).extensions.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      idp.unavailable = false;
    }
    expect(dataOf(await run(LoginDocument, { email, password: PASSWORD })).login.challenge?.name).toBe("MFA_SETUP");
  });
});
