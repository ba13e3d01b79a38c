import { ConfigError, loadConfig } from "../../../src/config";

const aws = { COGNITO_USER_POOL_ID: "eu-west-1_AbC123", COGNITO_CLIENT_ID: "abc123client", AWS_REGION: "eu-west-1", COGNITO_CLIENT_SECRET: "client-secret" };
const hosted = {
  ...aws,
  COGNITO_DOMAIN: "https://auth.example.com/",
  OAUTH_CALLBACK_URL: "https://api.example.com/auth/callback",
  OAUTH_RETURN_TO: "https://app.example.com/,https://app.example.com/settings",
  OAUTH_REDIRECT_URIS: "https://app.example.com/callback,http://localhost:3000/callback",
  OAUTH_SIGN_OUT_URL: "https://app.example.com/signed-out",
};

describe("hosted-login configuration", () => {
  it("reads the domain, URLs, lists and cookie setting", () => {
    expect(loadConfig(hosted).oauth).toEqual({
      domain: "https://auth.example.com",
      callbackUrl: "https://api.example.com/auth/callback",
      returnTo: ["https://app.example.com/", "https://app.example.com/settings"],
      redirectUris: ["https://app.example.com/callback", "http://localhost:3000/callback"],
      signOutUrl: "https://app.example.com/signed-out",
      cookieSameSite: "lax",
      clientSecret: "client-secret",
    });
    expect(loadConfig({ ...hosted, OAUTH_COOKIE_SAMESITE: "strict" }).oauth?.cookieSameSite).toBe("strict");
  });

  it("is off without COGNITO_DOMAIN", () => {
    expect(loadConfig(aws).oauth).toBeUndefined();
  });

  it("lets native apps alone use it (no callback, no cookie flow)", () => {
    const { OAUTH_CALLBACK_URL: _c, OAUTH_RETURN_TO: _r, COGNITO_CLIENT_SECRET: _s, ...nativeOnly } = hosted;
    expect(loadConfig(nativeOnly).oauth).toMatchObject({ callbackUrl: undefined, returnTo: [], clientSecret: undefined });
  });

  it.each([
    [{ COGNITO_DOMAIN: "https://auth.example.com" }, "COGNITO_USER_POOL_ID is required when COGNITO_DOMAIN is set"],
    [{ OAUTH_SIGN_OUT_URL: "https://app.example.com/" }, "COGNITO_DOMAIN is required when OAUTH_SIGN_OUT_URL is set"],
    [{ ...aws, OAUTH_RETURN_TO: "https://app.example.com/" }, "COGNITO_DOMAIN is required when OAUTH_RETURN_TO is set"],
    [{ ...hosted, OAUTH_SIGN_OUT_URL: undefined }, "OAUTH_SIGN_OUT_URL is required when COGNITO_DOMAIN is set"],
    [{ ...hosted, OAUTH_CALLBACK_URL: undefined, OAUTH_REDIRECT_URIS: undefined }, "OAUTH_CALLBACK_URL or OAUTH_REDIRECT_URIS is required"],
    [{ ...hosted, OAUTH_RETURN_TO: undefined }, "OAUTH_RETURN_TO is required when OAUTH_CALLBACK_URL is set"],
    [{ ...hosted, COGNITO_CLIENT_SECRET: undefined }, "COGNITO_CLIENT_SECRET is required when OAUTH_CALLBACK_URL is set"],
    [{ ...hosted, COGNITO_DOMAIN: "http://auth.example.com" }, "COGNITO_DOMAIN is not valid (expected an https URL (http only for localhost)"],
    [{ ...hosted, OAUTH_CALLBACK_URL: "http://api.example.com/auth/callback" }, "OAUTH_CALLBACK_URL is not valid"],
    [{ ...hosted, OAUTH_RETURN_TO: "https://app.example.com/,http://evil.example/" }, "OAUTH_RETURN_TO is not valid"],
    [{ ...hosted, OAUTH_REDIRECT_URIS: "https://app.example.com/cb#frag" }, "OAUTH_REDIRECT_URIS is not valid"],
    [{ ...hosted, OAUTH_SIGN_OUT_URL: "javascript:alert(1)" }, "OAUTH_SIGN_OUT_URL is not valid"],
    [{ ...hosted, OAUTH_COOKIE_SAMESITE: "none" }, "OAUTH_COOKIE_SAMESITE is not valid"],
  ])("stops with one line naming the variable (%#)", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
