import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAuthClient } from "@hipaa-auth-gateway/client";
import { signInExample, type Ask } from "../../../examples/client/sign-in";
import { TEST_CODE } from "../../setup/test-cognito";
import { startTestGateway, type TestGateway } from "../../support/test-gateway";
import { freshCode, PASSWORD, uniqueEmail } from "../../support/users";

const root = join(__dirname, "../../..");

/** The example's lines between the readme markers, without the function's indentation. */
const exampleLines = () => {
  const source = readFileSync(join(root, "examples/client/sign-in.ts"), "utf8");
  const body = source.slice(source.indexOf("// readme:begin\n") + "// readme:begin\n".length, source.indexOf("  // readme:end"));
  return body.replace(/^ {2}/gm, "").trimEnd();
};

describe("README's client example", () => {
  it("is examples/client/sign-in.ts word for word", () => {
    const readme = readFileSync(join(root, "docs/client.md"), "utf8");
    const block = /<!-- client-example:begin -->\n```ts\n([\s\S]*?)\n```\n<!-- client-example:end -->/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(block).toContain(exampleLines());
  });

  it("signs a new user in against the real gateway (MFA setup), and again (MFA code)", async () => {
    const gw: TestGateway = await startTestGateway();
    try {
      const email = uniqueEmail();
      const setup = createAuthClient({ url: gw.url });
      await setup.register({ email, password: PASSWORD });
      await setup.confirmSignUp(email, TEST_CODE);
      let secret = "";
      const asked: string[] = [];
      const ask: Ask = async (what, shown) => {
        asked.push(what);
        if (shown) secret = shown;
        return what === "email" ? email : what === "password" ? PASSWORD : freshCode(secret);
      };
      expect((await signInExample(gw.url, ask)).me).toEqual({ email, memberOf: [] });
      expect((await signInExample(gw.url, ask)).me.email).toBe(email);
      expect(asked).toEqual(["email", "password", "code", "email", "password", "code"]);
    } finally {
      await gw.close();
    }
  });
});
