import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { hipaaPoolSpec } from "../../../src/provisioning/pool-spec";
import { provision } from "../../../src/provisioning/provision";

const spec = hipaaPoolSpec({
  poolName: "hipaa",
  clientName: "gateway",
  callbackUrls: ["https://app.example.test/cb"],
  logoutUrls: ["https://app.example.test/"],
  refreshTokenDays: 7,
  temporaryPasswordDays: 3,
  advancedSecurity: "ENFORCED",
  mfa: "ON",
  generateSecret: true,
});

const setup = () => {
  const client = new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  return { client, cognito: mockClient(client) };
};

describe("provisioning a real pool (mocked)", () => {
  it("creates a TOTP-only MFA ON pool with the HIPAA settings and a confidential client", async () => {
    const { client, cognito } = setup();
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: "eu-west-1_New" } });
    cognito.on(GetUserPoolMfaConfigCommand).resolves({ MfaConfiguration: "OFF" });
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: "eu-west-1_New", UsernameAttributes: ["email"], ...spec.pool } });
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [] });
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: "client1" } });
    cognito.on(ListGroupsCommand).resolves({ Groups: [] });
    cognito.on(CreateGroupCommand).resolves({});

    const result = await provision(client, spec, { dryRun: false, emulator: false });
    expect(result).toMatchObject({ userPoolId: "eu-west-1_New", clientId: "client1" });

    const created = cognito.commandCalls(CreateUserPoolCommand)[0]?.args[0].input;
    expect(created).toMatchObject({
      PoolName: "hipaa",
      UsernameAttributes: ["email"],
      MfaConfiguration: "OFF", // switched ON right after, TOTP only (no SMS configuration needed)
      DeletionProtection: "ACTIVE",
      UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" },
      UserPoolTier: "PLUS", // threat protection needs the Plus feature plan
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
    });
    expect(cognito.commandCalls(SetUserPoolMfaConfigCommand)[0]?.args[0].input).toEqual({ UserPoolId: "eu-west-1_New", MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } });
    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toMatchObject({
      GenerateSecret: true,
      PreventUserExistenceErrors: "ENABLED",
      AccessTokenValidity: 15,
      RefreshTokenValidity: 7,
      AllowedOAuthFlows: ["code"],
      CallbackURLs: ["https://app.example.test/cb"],
    });
    expect(cognito.commandCalls(CreateGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(["admin", "provider", "patient"]);
  });

  it("keeps settings it does not manage (e.g. SES email) when it updates a drifted pool", async () => {
    const { client, cognito } = setup();
    const emailConfiguration = { EmailSendingAccount: "DEVELOPER" as const, SourceArn: "arn:aws:ses:eu-west-1:1:identity/x" };
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: "eu-west-1_Old", Name: "hipaa" }] });
    cognito.on(GetUserPoolMfaConfigCommand).resolves(spec.mfa);
    cognito.on(DescribeUserPoolCommand).resolves({
      UserPool: { Id: "eu-west-1_Old", UsernameAttributes: ["email"], ...spec.pool, DeletionProtection: "INACTIVE", EmailConfiguration: emailConfiguration },
    });
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: "c", ClientName: "gateway" }] });
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ...spec.client } });
    cognito.on(ListGroupsCommand).resolves({ Groups: spec.groups.map((GroupName) => ({ GroupName })) });
    cognito.on(UpdateUserPoolCommand).resolves({});

    const result = await provision(client, spec, { dryRun: false, emulator: false });
    expect(result.changes).toEqual(['pool.DeletionProtection: "INACTIVE" → "ACTIVE"']);
    expect(cognito.commandCalls(UpdateUserPoolCommand)[0]?.args[0].input).toMatchObject({ DeletionProtection: "ACTIVE", EmailConfiguration: emailConfiguration, MfaConfiguration: "ON" });
  });
});
