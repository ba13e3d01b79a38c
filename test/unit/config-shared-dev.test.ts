import { ConfigError, loadConfig } from "../../src/config";

const aws = { COGNITO_USER_POOL_ID: "eu-west-1_AbC123", COGNITO_CLIENT_ID: "abc123client", AWS_REGION: "eu-west-1" };

describe("settings for several instances", () => {
  it("joins a running cognito-local at LOCAL_COGNITO_URL in dev mode (without a trailing slash)", () => {
    const config = loadConfig({ LOCAL_COGNITO_URL: "http://127.0.0.1:9229/" });
    expect(config).toMatchObject({ mode: "dev", localCognito: { url: "http://127.0.0.1:9229" } });
    expect(loadConfig({})).toMatchObject({ mode: "dev", localCognito: { url: undefined } });
  });

  it.each(["127.0.0.1:9229", "ftp://127.0.0.1:9229", "http://127.0.0.1:9229/local_abc", "http://127.0.0.1:9229?x=1"])("refuses LOCAL_COGNITO_URL=%s", (url) => {
    expect(() => loadConfig({ LOCAL_COGNITO_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ LOCAL_COGNITO_URL: url })).toThrow("LOCAL_COGNITO_URL is not valid (expected an http(s) address without a path");
  });

  it("leaves AWS mode as it was: the pool's amazonaws issuer, whatever LOCAL_COGNITO_URL says", () => {
    const config = loadConfig({ ...aws, LOCAL_COGNITO_URL: "http://127.0.0.1:9229" });
    expect(config.mode).toBe("aws");
    if (config.mode !== "aws") return;
    expect(config.cognito.issuer).toBe("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    expect(() => loadConfig({ COGNITO_USER_POOL_ID: "local_AbC123", AWS_REGION: "eu-west-1", COGNITO_CLIENT_ID: "abc", LOCAL_COGNITO_URL: "http://127.0.0.1:9229" })).toThrow(
      "COGNITO_USER_POOL_ID belongs to another region",
    );
  });

  it("prefixes Redis keys with REDIS_KEY_PREFIX (default authgw:)", () => {
    expect(loadConfig({}).redisKeyPrefix).toBe("authgw:");
    expect(loadConfig({ REDIS_KEY_PREFIX: "staging:eu-1:" }).redisKeyPrefix).toBe("staging:eu-1:");
    expect(() => loadConfig({ REDIS_KEY_PREFIX: "has space" })).toThrow("REDIS_KEY_PREFIX is not valid");
  });
});
