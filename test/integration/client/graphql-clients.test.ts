import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from "@apollo/client";
import { authExchange } from "@hipaa-auth-gateway/client/urql";
import { createAuthLink } from "@hipaa-auth-gateway/client/apollo";
import { Client, fetchExchange } from "@urql/core";
import { createAuthClient } from "@hipaa-auth-gateway/client";
import { TEST_CODE } from "../../setup/test-cognito";
import { countingFetch, signedInClient, verifierWithExpiredTokens, type SignedInClient } from "../../support/auth-client";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { providerAccessToken } from "../../support/users";

const ME = "query Me { me { email } }";

let gw: TestGateway;
const verifier = verifierWithExpiredTokens();
beforeAll(async () => {
  gw = await startTestGateway({ verifier });
});
afterAll(() => gw.close());

/** A signed-in client whose current access token the gateway will call expired (the client thinks it is fresh). */
const clientWithExpiredToken = async (): Promise<SignedInClient & { refreshes: () => number; expiredToken: string }> => {
  const fetch = countingFetch("refreshTokens");
  const signedIn = await signedInClient(gw, { fetch });
  const expiredToken = (await signedIn.auth.getAccessToken())!;
  // The client holds a handle; the verifier sees the provider token behind it.
  verifier.expired.add(await providerAccessToken(gw, expiredToken));
  return { ...signedIn, refreshes: fetch.count, expiredToken };
};

describe("the Apollo Client link", () => {
  const apollo = (link: ApolloLink, headers: Record<string, string> = {}) =>
    new ApolloClient({ link: ApolloLink.from([link, new HttpLink({ uri: gw.url, headers })]), cache: new InMemoryCache(), defaultOptions: { query: { fetchPolicy: "no-cache" } } });

  // HttpLink asks for application/graphql-response+json, so a 401 arrives as a result with errors; with
  // plain application/json it arrives as a ServerError. Both must lead to one refresh and a retry.
  it.each([
    ["graphql-response+json", {}],
    ["plain json", { accept: "application/json" }],
  ])("sends the access token, and refreshes once and retries when the gateway calls it expired (%s)", async (_, headers) => {
    const { auth, email, refreshes, expiredToken } = await clientWithExpiredToken();
    const client = apollo(createAuthLink(auth), headers);
    const meQuery: TypedDocumentNode<{ me: { email: string } }> = gql(ME);
    const { data } = await client.query({ query: meQuery });
    expect(data?.me.email).toBe(email);
    expect(refreshes()).toBe(1);
    expect(await auth.getAccessToken()).not.toBe(expiredToken);
  });

  it("passes other errors through (a signed-out client is UNAUTHENTICATED, no refresh attempted)", async () => {
    const { auth, refreshes } = await clientWithExpiredToken();
    await auth.logout();
    const client = apollo(createAuthLink(auth));
    const { error } = await client.query({ query: gql(ME), errorPolicy: "all" });
    expect(JSON.stringify(error)).toContain("UNAUTHENTICATED");
    expect(refreshes()).toBe(0);
  });
});

describe("the urql exchange", () => {
  const urql = (auth: SignedInClient["auth"]) => new Client({ url: gw.url, exchanges: [authExchange(auth), fetchExchange], preferGetMethod: false, requestPolicy: "network-only" });

  it("sends the access token, and refreshes once and re-executes when the gateway calls it expired", async () => {
    const { auth, email, refreshes, expiredToken } = await clientWithExpiredToken();
    const result = await urql(auth).query<{ me: { email: string } }>(ME, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.me.email).toBe(email);
    expect(refreshes()).toBe(1);
    expect(await auth.getAccessToken()).not.toBe(expiredToken);
  });

  it("gives back the error, and forgets the tokens, when the refresh fails too", async () => {
    const fetch = countingFetch("refreshTokens");
    const { auth, email } = await signedInClient(gw, { fetch });
    const tokens = (await auth.getTokens())!;
    // The session ends elsewhere (a password reset ends them all) while this client still holds its tokens.
    verifier.expired.add(await providerAccessToken(gw, tokens.accessToken));
    const other = createAuthClient({ url: gw.url });
    await other.forgotPassword(email);
    await other.confirmForgotPassword(email, TEST_CODE, "Recovered-Passw0rd-3");
    const result = await urql(auth).query(ME, {}).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    expect(fetch.count()).toBe(1);
    expect(await auth.getTokens()).toBeNull();
  });
});
