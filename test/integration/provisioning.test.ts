import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, ListUserPoolsCommand, UpdateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { hipaaPoolSpec, ProvisionError, type PoolSpecOptions } from "../../src/provisioning/pool-spec";
import { provision } from "../../src/provisioning/provision";
import { testCognito } from "../setup/test-cognito";

const options = (poolName: string): PoolSpecOptions => ({
  poolName,
  clientName: "app",
  callbackUrls: ["https://app.example.test/callback"],
  logoutUrls: ["https://app.example.test/"],
  refreshTokenDays: 30,
  temporaryPasswordDays: 3,
  advancedSecurity: "OFF",
  mfa: "OPTIONAL",
  generateSecret: false,
});

describe("provisioning against cognito-local", () => {
  const cognito = new CognitoIdentityProviderClient({ endpoint: testCognito().endpoint, region: "local", credentials: localCredentials });
  afterAll(() => cognito.destroy());
  const run = (name: string, dryRun = false) => provision(cognito, hipaaPoolSpec(options(name)), { dryRun, emulator: true });

  it("creates pool, client and groups, and a second run changes nothing", async () => {
    const name = `pool-${randomUUID()}`;
    const first = await run(name);
    expect(first.changes).toEqual(expect.arrayContaining([`create user pool ${name}`, "create app client app", "create group admin", "create group provider", "create group patient"]));
    expect(first.userPoolId).toMatch(/^local_/);
    const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: first.userPoolId }))).UserPool;
    expect(pool).toMatchObject({ UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"], Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } } });
    expect(await run(name)).toEqual({ userPoolId: first.userPoolId, clientId: first.clientId, changes: [] });
  });

  it("repairs drift and says what it changed", async () => {
    const name = `pool-${randomUUID()}`;
    const { userPoolId } = await run(name);
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, Policies: { PasswordPolicy: { MinimumLength: 8 } }, AutoVerifiedAttributes: ["email"], MfaConfiguration: "OPTIONAL" }));
    const repaired = await run(name);
    expect(repaired.changes.join("\n")).toContain("pool.Policies.PasswordPolicy.MinimumLength: 8 → 12");
    expect((await run(name)).changes).toEqual([]);
  });

  it("changes nothing in a dry run", async () => {
    const name = `pool-${randomUUID()}`;
    const plan = await run(name, true);
    expect(plan.changes).toContain(`create user pool ${name}`);
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.some((p) => p.Name === name)).toBe(false);
  });

  it("refuses http:// redirects outside localhost", () => {
    expect(() => hipaaPoolSpec({ ...options("x"), callbackUrls: ["http://app.example.test/callback"] })).toThrow(ProvisionError);
    expect(() => hipaaPoolSpec({ ...options("x"), logoutUrls: ["http://localhost:3000/"] })).not.toThrow();
  });

  it("runs as `npm run provision -- --local` and is idempotent", () => {
    const env = { PATH: process.env["PATH"], AWS_REGION: "local", COGNITO_ENDPOINT: testCognito().endpoint, POOL_NAME: `cli-${randomUUID()}`, POOL_CALLBACK_URLS: "https://app.example.test/cb", POOL_LOGOUT_URLS: "https://app.example.test/", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const cli = join(__dirname, "../../dist/provisioning/cli.js");
    const first = spawnSync(process.execPath, [cli, "--local"], { env, encoding: "utf8" });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^COGNITO_USER_POOL_ID=local_/m);
    const second = spawnSync(process.execPath, [cli, "--local"], { env, encoding: "utf8" });
    expect(second.stdout).toContain("no changes");
    const refused = spawnSync(process.execPath, [cli, "--local"], { env: { ...env, POOL_CALLBACK_URLS: "http://evil.example.test/cb" }, encoding: "utf8" });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe("callback URL: http://evil.example.test is not allowed; use https:// (http:// only for localhost)");
  });
});
