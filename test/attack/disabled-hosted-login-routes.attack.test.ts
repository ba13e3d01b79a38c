import { loadConfig } from "../../src/config";
import { MeDocument } from "../generated/graphql";
import { errorOf, execute } from "../support/graphql-client";
import { beginBrowserLogin, finishBrowserLogin, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

/**
 * Attack (DISABLED_FEATURES=hosted-login on a gateway whose COGNITO_DOMAIN / OAUTH_CALLBACK_URL are still set, e.g.
 * an operator switching hosted login off in an incident without touching the pool settings).
 */
const off = loadConfig({ DISABLED_FEATURES: "hosted-login" }).disabledFeatures;

let setup: HostedLoginSetup;
beforeAll(async () => {
  setup = await startHostedLogin({ settings: { disabledFeatures: off } });
});
afterAll(async () => {
  await setup.close();
});

describe("attack: hosted login turned off with DISABLED_FEATURES", () => {
  it("exchangeAuthorizationCode is gone from the schema", async () => {
    const answer = await setup.gw.run('mutation { exchangeAuthorizationCode(code: "c", codeVerifier: "v", redirectUri: "http://localhost:7/native-app/callback") { __typename } }');
    expect([answer.status, errorOf(answer).extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
  });

  // Found (low) by the black-box session: the browser routes of the same feature stayed mounted, so the sign-in
  // the operator switched off still worked end to end (/auth/login → the pool → /auth/callback → a session cookie
  // the API accepted). Fixed: DISABLED_FEATURES=hosted-login leaves /auth/* unmounted and cookie sessions unread.
  it("the browser routes are gone too: /auth/login does not start a sign-in", async () => {
    const user = await enrolledUser(setup.gw);
    const { authorize, cookie, response } = await beginBrowserLogin(setup.origin);
    const started = response.status === 302 && authorize.href !== "about:blank";
    let signedIn = false;
    if (started) {
      const back = await finishBrowserLogin(setup.origin, await signInAtPool(authorize.href, await subOf(user.email)), cookie);
      const session = back.headers.getSetCookie().find((line) => line.startsWith("authgw-session="))?.split(";")[0];
      signedIn = session !== undefined && (await execute(setup.gw.url, MeDocument, {}, { headers: { cookie: session } })).data?.me.email === user.email;
    }
    expect({ started, signedIn }).toEqual({ started: false, signedIn: false });
  });
});
