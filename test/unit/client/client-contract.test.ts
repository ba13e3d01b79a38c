import { createAuthClient, ERROR_CODES, ERROR_REASONS, GatewayUnreachableError, INACTIVE_REASONS, KNOWN_CHALLENGES, TOKEN_REJECTIONS, type FetchLike } from "@hipaa-auth-gateway/client";
import { GraphQLEnumType } from "graphql";
import { ErrorCode, ErrorReason, InactiveReason, TokenRejection } from "../../../src/errors/error-codes";
import { buildGatewaySchema } from "../../../src/features/build-schema";

describe("the client package's copy of the gateway's contract", () => {
  it("lists exactly the gateway's public error codes and reasons", () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.values(ErrorCode).sort());
    expect([...TOKEN_REJECTIONS].sort()).toEqual(Object.values(TokenRejection).sort());
    expect([...INACTIVE_REASONS].sort()).toEqual(Object.values(InactiveReason).sort());
    expect([...ERROR_REASONS].sort()).toEqual(Object.values(ErrorReason).sort());
  });

  it("knows every challenge name the schema can return (a new one needs a step in the client)", () => {
    const challengeName = buildGatewaySchema().getType("ChallengeName");
    if (!(challengeName instanceof GraphQLEnumType)) throw new Error("ChallengeName is not an enum");
    expect([...KNOWN_CHALLENGES].sort()).toEqual(challengeName.getValues().map((v) => v.name).sort());
  });
});

/** A gateway stand-in answering every request with one body (for answers the real gateway cannot give yet). */
const answering =
  (status: number, body: string): FetchLike =>
  async () => ({ status, text: async () => body });

describe("the client facing answers it does not know", () => {
  it("turns an unknown challenge name into an UNSUPPORTED step instead of failing", async () => {
    const auth = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: answering(200, JSON.stringify({ data: { login: { tokens: null, challenge: { name: "SMS_MFA", session: "h" } } } })) });
    const result = await auth.signIn("a@example.test", "pw");
    expect(result).toEqual({ isSignedIn: false, nextStep: { name: "UNSUPPORTED", challengeName: "SMS_MFA", session: "h" } });
  });

  it("masks an unknown error code and reports a non-GraphQL answer as unreachable", async () => {
    const unknown = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: answering(200, JSON.stringify({ errors: [{ message: "m", extensions: { code: "SOMETHING_NEW" } }] })) });
    await expect(unknown.forgotPassword("a@example.test")).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    const proxyPage = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: answering(502, "<html>Bad gateway</html>") });
    await expect(proxyPage.forgotPassword("a@example.test")).rejects.toBeInstanceOf(GatewayUnreachableError);
    const offline = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: async () => Promise.reject(new TypeError("fetch failed")) });
    await expect(offline.forgotPassword("a@example.test")).rejects.toBeInstanceOf(GatewayUnreachableError);
  });

  it("keeps its tokens when a refresh fails for lack of network, and drops them when the session is over", async () => {
    let answer: FetchLike = answering(200, JSON.stringify({ data: { respondToMfa: { tokens: { accessToken: "a", idToken: "i", refreshToken: "r", expiresIn: 900 }, challenge: null } } }));
    const auth = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: (input, init) => answer(input, init) });
    await auth.respondToMfa("h", "123456");
    answer = async () => Promise.reject(new TypeError("fetch failed"));
    await expect(auth.refreshTokens()).rejects.toBeInstanceOf(GatewayUnreachableError);
    expect(await auth.getTokens()).toMatchObject({ refreshToken: "r" });
    answer = answering(401, JSON.stringify({ errors: [{ message: "m", extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" } }] }));
    await expect(auth.refreshTokens()).rejects.toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED", status: 401 });
    expect(await auth.getTokens()).toBeNull();
  });

  it("forgets the tokens on logout even when the gateway cannot be reached, and says so", async () => {
    let answer: FetchLike = answering(200, JSON.stringify({ data: { respondToMfa: { tokens: { accessToken: "a", idToken: "i", refreshToken: "r", expiresIn: 900 }, challenge: null } } }));
    let now = 0;
    const auth = createAuthClient({ url: "http://gateway.invalid/graphql", fetch: (input, init) => answer(input, init), now: () => now });
    await auth.respondToMfa("h", "123456");
    now = 900_000; // expired: logout has to refresh first, and the network is gone
    answer = async () => Promise.reject(new TypeError("fetch failed"));
    await expect(auth.logout()).rejects.toBeInstanceOf(GatewayUnreachableError);
    expect(await auth.getTokens()).toBeNull();
  });
});
