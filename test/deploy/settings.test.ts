import { App } from "aws-cdk-lib";
import { assertPlainExtras } from "../../deploy/aws/lib/gateway-service";
import { placeholdersInUse, readSettings } from "../../deploy/aws/lib/settings";
import { cdkJsonContext } from "./synth-app";

const pem = (body: string): string => `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
const settingsWith = (context: Record<string, unknown>) => readSettings(new App({ context: { ...cdkJsonContext(), ...context } }).node);

describe("deployment settings from CDK context", () => {
  it("cdk.json's placeholders synthesise, and each one is named as a placeholder", () => {
    expect(placeholdersInUse(settingsWith({})).sort()).toEqual(["account", "callbackUrls", "certificateArn", "customAuthPublicKeys", "hostedDomainPrefix", "logoutUrls"]);
    expect(placeholdersInUse(settingsWith({ account: "123456789012" }))).not.toContain("account");
  });

  it.each([
    [{ account: "12345" }, /account/],
    [{ region: "Europe" }, /region/],
    [{ gatewayMinTasks: 1 }, /gatewayMinTasks/],
    [{ customAuthPublicKeys: [] }, /customAuthPublicKeys/],
    [{ customAuthPublicKeys: ["not a key"] }, /customAuthPublicKeys/],
    [{ customAuthPublicKeys: [pem("AAAA"), pem("BBBB"), pem("CCCC")] }, /customAuthPublicKeys/],
    [{ callbackUrls: "" }, /callbackUrls/],
  ])("refuses %j", (context, message) => {
    expect(() => settingsWith(context)).toThrow(message);
  });

  it("accepts lists given on the command line (-c key=value arrives as a string)", () => {
    const keys = [pem("AAAA"), pem("BBBB")];
    expect(settingsWith({ customAuthPublicKeys: JSON.stringify(keys) }).customAuthPublicKeys).toEqual(keys);
    expect(settingsWith({ callbackUrls: "https://a.example/cb, https://b.example/cb" }).callbackUrls).toEqual(["https://a.example/cb", "https://b.example/cb"]);
    expect(settingsWith({ initialDeploy: "true" }).initialDeploy).toBe(true);
  });

  it("extra gateway environment may neither carry a secret nor replace a fixed setting", () => {
    expect(() => assertPlainExtras({ CORS_ORIGINS: "https://app.example.com" }, ["TRUST_PROXY_HOPS"])).not.toThrow();
    expect(() => assertPlainExtras({ TRUST_PROXY_HOPS: "2" }, ["TRUST_PROXY_HOPS"])).toThrow(/set by the app/);
    for (const name of ["CUSTOM_AUTH_SECRET", "NOTICE_WEBHOOK_SECRET", "PGPASSWORD", "CUSTOM_AUTH_PRIVATE_KEY", "AUDIT_CHAIN_KEY"]) {
      expect(() => assertPlainExtras({ [name]: "x" }, [])).toThrow(/secret/);
    }
  });
});
