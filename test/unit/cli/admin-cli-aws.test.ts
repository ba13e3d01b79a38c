import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminAddUserToGroupCommand, AdminGetUserCommand, AdminRemoveUserFromGroupCommand, AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import type { AuditRecord } from "../../../src/audit/audit-event";
import { main } from "../../../src/cli/admin-cli";

/** AWS mode has no local stand-in with a real pool id: the Cognito client is mocked, the rest is real. */
describe("npm run admin in AWS mode", () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    cognito.reset();
    dir = mkdtempSync(join(tmpdir(), "admin-cli-aws-"));
    env = { COGNITO_USER_POOL_ID: "eu-west-1_Pool", COGNITO_CLIENT_ID: "client", AWS_REGION: "eu-west-1", AUDIT_LOG_FILE: join(dir, "audit.jsonl") };
    cognito.on(AdminGetUserCommand, { Username: "ada@example.com" }).resolves({ Username: "sub-ada", UserAttributes: [{ Name: "sub", Value: "sub-ada" }, { Name: "email", Value: "ada@example.com" }] });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => cognito.restore());

  const sink = () => ({ text: "", write(chunk: string) { this.text += chunk; } });

  it("grants by the account's sub in the configured pool, audited with actor cli", async () => {
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const out = sink();
    expect(await main(["grant", "ada@example.com", "provider"], env, out, sink())).toBe(0);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: "eu-west-1_Pool", Username: "sub-ada", GroupName: "provider" }]);
    const records = readFileSync(env["AUDIT_LOG_FILE"] as string, "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.outcome)).toEqual(["INTENT", "SUCCESS"]);
    expect(records[1]).toMatchObject({ event: "ADMIN_ADD_TO_GROUP", outcome: "SUCCESS", actor: "cli", subject: "sub-ada", reason: "provider" });
  });

  it("revokes and signs the account out in Cognito too", async () => {
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    expect(await main(["revoke", "ada@example.com", "admin"], env, sink(), sink())).toBe(0);
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand)[0]?.args[0].input).toEqual({ UserPoolId: "eu-west-1_Pool", Username: "sub-ada", GroupName: "admin" });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input).toEqual({ UserPoolId: "eu-west-1_Pool", Username: "sub-ada" });
  });

  it("records a failed change as FAILURE and tells the operator the code, not Cognito's text", async () => {
    cognito.on(AdminAddUserToGroupCommand).rejects(Object.assign(new Error("User: arn:aws:iam::123:user/x is not authorized"), { name: "AccessDeniedException" }));
    const err = sink();
    expect(await main(["grant", "ada@example.com", "admin"], env, sink(), err)).toBe(1);
    expect(err.text).toMatch(/^Failed: [A-Z_]+/);
    expect(err.text).not.toContain("arn:aws");
    expect(readFileSync(env["AUDIT_LOG_FILE"] as string, "utf8")).toContain('"outcome":"FAILURE"');
  });
});
