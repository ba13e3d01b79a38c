import { createAuthClient, type FetchLike } from "@hipaa-auth-gateway/client";
import { runClientApp } from "../../../examples/client-app/app";
import { TEST_CODE } from "../../setup/test-cognito";
import { finishSignIn, signedInClient } from "../../support/auth-client";
import { errorOf } from "../../support/graphql-client";
import { startHostedLogin, signInAtPool, subOf, type HostedLoginSetup } from "../../support/hosted-login";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { enrolledUser, freshCode, PASSWORD, uniqueEmail } from "../../support/users";

describe("the client example app (examples/client-app) against the real gateway", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.close());

  it("signs up, confirms, enrols TOTP, reads the current user and a typed operation, and signs out everywhere", async () => {
    const email = uniqueEmail();
    const run = await runClientApp(gw.url, { email, password: PASSWORD, givenName: "Grace", emailCode: async () => TEST_CODE, totpCode: freshCode });
    expect(run.steps).toEqual(["CONFIRM_SIGN_UP", "SIGN_IN", "MFA_SETUP", "DONE"]);
    expect(run.user).toMatchObject({ email, givenName: "Grace", groups: [], memberOf: [], mfaStatus: { enabled: true } });
    expect(run.profile).toEqual({ givenName: "Grace", memberOf: [], minPasswordLength: expect.any(Number) });
    expect(run.signedOutEverywhere).toBe(true);
  });

  it("signOutEverywhere ends the user's other sessions too", async () => {
    const { auth: one, email, secret } = await signedInClient(gw);
    const other = createAuthClient({ url: gw.url });
    await finishSignIn(await other.signIn(email, PASSWORD), { secret });
    await one.signOutEverywhere();
    expect(await one.getTokens()).toBeNull();
    expect(errorOf(await gw.run("{ me { sub } }", {}, { token: (await other.getTokens())!.accessToken })).extensions.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });

  it("changePassword changes it (the new one signs in), and forwards a step-up code or passkey when given", async () => {
    const { auth, email, secret } = await signedInClient(gw);
    const newPassword = "Another-Horse-Battery-7";
    await auth.changePassword(PASSWORD, newPassword, { code: await freshCode(secret) });
    expect((await createAuthClient({ url: gw.url }).signIn(email, newPassword)).nextStep.name).toBe("SOFTWARE_TOKEN_MFA");

    const sent: { query: string; variables: Record<string, unknown> }[] = [];
    const recording: FetchLike = async (_url, init) => {
      sent.push(JSON.parse(init.body) as (typeof sent)[number]);
      return { status: 200, text: async () => JSON.stringify({ data: { changePassword: true } }) };
    };
    const offline = createAuthClient({ url: gw.url, fetch: recording });
    await offline.changePassword("old", "new", { code: "123456" });
    await offline.changePassword("old", "new", { passkey: "{}" });
    expect(sent[0]).toEqual({ query: expect.stringContaining("changePassword(currentPassword: $currentPassword, newPassword: $newPassword, code: $code)"), variables: { currentPassword: "old", newPassword: "new", code: "123456" } });
    expect(sent[1]?.query).toContain("passkey: $passkey");
    expect(sent[1]?.variables).toEqual({ currentPassword: "old", newPassword: "new", passkey: "{}" });
  });

  it("rejects a DocumentNode without its source instead of sending an empty operation", async () => {
    await expect(createAuthClient({ url: gw.url }).request({ kind: "Document" })).rejects.toThrow(TypeError);
  });
});

describe("hosted login (PKCE) for single-page and native apps, with the client", () => {
  let setup: HostedLoginSetup;
  beforeAll(async () => {
    setup = await startHostedLogin();
  });
  afterAll(() => setup?.close());

  it("opens the pool's page with S256 PKCE, state and nonce, and redeems the redirect into a signed-in client", async () => {
    const user = await enrolledUser(setup.gw);
    const auth = createAuthClient({ url: setup.gw.url });
    const hosted = auth.hostedLogin({ domain: setup.standIn.url, clientId: setup.standIn.clientId, redirectUri: setup.appRedirectUri });
    const { url, pending } = await hosted.begin();
    expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");
    expect(new URL(url).searchParams.get("code_challenge")).not.toBe(pending.codeVerifier);
    const redirect = await signInAtPool(url, await subOf(user.email));

    // A redirect from another attempt (login CSRF) is refused before anything reaches the gateway.
    const forged = new URL(redirect.href);
    forged.searchParams.set("state", "someone-elses");
    await expect(hosted.complete(forged.href, pending)).rejects.toThrow(/state/);

    const result = await hosted.complete(redirect.href, pending);
    expect(result.isSignedIn).toBe(true);
    expect((await auth.currentUser()).email).toBe(user.email);
  });
});
