import { ExchangeAuthorizationCodeDocument } from "../generated/graphql";
import { dataOf, execute } from "../support/graphql-client";
import { nativeAppAuthorization, signInAtPool, startHostedLogin, subOf, type HostedLoginSetup } from "../support/hosted-login";
import { enrolledUser } from "../support/users";

/**
 * Issue 22's last seam: clients must never hold a token Cognito's public API accepts (with it a thief moves
 * the email and replaces the authenticator at Cognito, past every step-up). Password logins hand out opaque
 * 43-character handles (client-token-handles). The native-app door of hosted login, exchangeAuthorizationCode,
 * returns `result.tokens ?? tokens`: does it hand out handles too, or the pool's own JWTs?
 */
let setup: HostedLoginSetup;
beforeAll(async () => {
  setup = await startHostedLogin();
});
afterAll(() => setup?.close());

const appSignIn = async (sub: string) => {
  const { authorize, codeVerifier, nonce } = nativeAppAuthorization(setup);
  const redirect = await signInAtPool(authorize.href, sub);
  return { code: redirect.searchParams.get("code")!, codeVerifier, nonce };
};

describe("ATTACK (held): what a native app holds after exchangeAuthorizationCode", () => {
  it("opaque gateway handles, never the pool's JWTs", async () => {
    const user = await enrolledUser(setup.gw);
    const { code, codeVerifier, nonce } = await appSignIn(await subOf(user.email));
    const tokens = dataOf(await execute(setup.gw.url, ExchangeAuthorizationCodeDocument, { code, codeVerifier, redirectUri: setup.appRedirectUri, nonce })).exchangeAuthorizationCode.tokens!;
    expect(tokens.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
