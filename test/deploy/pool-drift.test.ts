import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
  type SetUserPoolMfaConfigCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { mockClient } from "aws-sdk-client-mock";
import { productionPoolSpec } from "../../deploy/aws/lib/gateway-stack";
import { readSettings } from "../../deploy/aws/lib/settings";
import { userPoolClientProperties, userPoolProperties } from "../../deploy/aws/lib/user-pool";
import { provision } from "../../src/provisioning/provision";
import type { PoolSpec } from "../../src/provisioning/pool-spec";
import { cdkJsonContext } from "./synth-app";

type Created = { pool: CreateUserPoolCommandInput; mfa: SetUserPoolMfaConfigCommandInput; client: CreateUserPoolClientCommandInput; groups: string[] };

/** What `npm run provision` sends to an account without the pool: every create call, captured from a mocked Cognito. */
const provisionCreates = async (spec: PoolSpec): Promise<Created> => {
  const client = new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const cognitoMock = mockClient(client);
  cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [] });
  cognitoMock.on(CreateUserPoolCommand).resolves({ UserPool: { Id: "eu-west-1_New" } });
  cognitoMock.on(GetUserPoolMfaConfigCommand).resolves({ MfaConfiguration: "OFF" });
  // The pool as created (MFA switched on right after): provision then finds nothing left to update.
  cognitoMock.on(DescribeUserPoolCommand).callsFake(() => {
    const created = cognitoMock.commandCalls(CreateUserPoolCommand)[0]?.args[0].input;
    const mfa = cognitoMock.commandCalls(SetUserPoolMfaConfigCommand)[0]?.args[0].input;
    return { UserPool: { Id: "eu-west-1_New", ...created, MfaConfiguration: mfa?.MfaConfiguration } };
  });
  cognitoMock.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [] });
  cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: "client1" } });
  cognitoMock.on(ListGroupsCommand).resolves({ Groups: [] });
  cognitoMock.on(CreateGroupCommand).resolves({});
  await provision(client, spec, { dryRun: false, emulator: false });
  expect(cognitoMock.commandCalls(UpdateUserPoolCommand)).toHaveLength(0);
  const first = <T>(calls: { args: [{ input: T }] }[]): T => {
    expect(calls).toHaveLength(1);
    return (calls[0] as { args: [{ input: T }] }).args[0].input;
  };
  return {
    pool: first(cognitoMock.commandCalls(CreateUserPoolCommand) as never),
    mfa: first(cognitoMock.commandCalls(SetUserPoolMfaConfigCommand) as never),
    client: first(cognitoMock.commandCalls(CreateUserPoolClientCommand) as never),
    groups: cognitoMock.commandCalls(CreateGroupCommand).map((c) => String(c.args[0].input.GroupName)),
  };
};

/** What the CDK app creates: the CloudFormation properties of its pool, client and groups. */
const cdkCreates = (spec: PoolSpec) => {
  const stack = new Stack(new App(), "Pool");
  const pool = new cognito.CfnUserPool(stack, "Pool", userPoolProperties(spec));
  new cognito.CfnUserPoolClient(stack, "Client", userPoolClientProperties(spec, pool.ref));
  for (const group of spec.groups) new cognito.CfnUserPoolGroup(stack, `Group-${group}`, { userPoolId: pool.ref, groupName: group });
  const template = Template.fromStack(stack);
  const properties = (type: string) => Object.values(template.findResources(type)).map((r) => (r as { Properties: Record<string, unknown> }).Properties);
  return { pool: properties("AWS::Cognito::UserPool")[0] ?? {}, client: properties("AWS::Cognito::UserPoolClient")[0] ?? {}, groups: properties("AWS::Cognito::UserPoolGroup").map((g) => g["GroupName"]) };
};

/**
 * The SDK's CreateUserPool/CreateUserPoolClient inputs and CloudFormation's properties use the same names
 * except these; everything else is compared by name, so a setting added to the pool spec reaches both or fails here.
 */
const sdkToCloudFormation: Record<string, string> = { PoolName: "UserPoolName" };
/** Properties only the CDK app sets, with why. */
const cdkOnly: Record<string, string> = {
  EnabledMfas: "CloudFormation's form of SetUserPoolMfaConfig's SoftwareTokenMfaConfiguration (compared below)",
};

const renamed = (input: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined).map(([k, v]) => [sdkToCloudFormation[k] ?? k, v]));

/** The two pools side by side: provision's create calls in CloudFormation's names, and the template's properties. */
const comparablePools = (provisioned: Created, cdk: ReturnType<typeof cdkCreates>) => ({
  // provision creates with MFA OFF and switches it ON (TOTP only) in the next call; CloudFormation does both at once.
  expected: { ...renamed(provisioned.pool), MfaConfiguration: provisioned.mfa.MfaConfiguration },
  actual: Object.fromEntries(Object.entries(cdk.pool).filter(([k]) => !(k in cdkOnly))),
});

describe("npm run provision and the CDK app create the same pool", () => {
  const settings = readSettings(new App({ context: cdkJsonContext() }).node);
  const spec = productionPoolSpec(settings);
  let provisioned: Created;
  let cdk: ReturnType<typeof cdkCreates>;
  beforeAll(async () => {
    provisioned = await provisionCreates(spec);
    cdk = cdkCreates(spec);
  });

  it("pool: every setting provision sends is in the template with the same value", () => {
    const { expected, actual } = comparablePools(provisioned, cdk);
    expect(actual).toEqual(expected);
    expect(actual["MfaConfiguration"]).toBe("ON");
  });

  it("MFA: TOTP only on both sides", () => {
    expect(provisioned.mfa).toEqual({ UserPoolId: "eu-west-1_New", MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } });
    expect(cdk.pool["EnabledMfas"]).toEqual(["SOFTWARE_TOKEN_MFA"]);
  });

  it("app client: every setting provision sends is in the template with the same value", () => {
    expect(cdk.client).toEqual({ ...renamed(provisioned.client), UserPoolId: { Ref: expect.any(String) } });
    expect(cdk.client["GenerateSecret"]).toBe(true);
  });

  it("groups: the same set", () => {
    expect([...cdk.groups].sort()).toEqual([...provisioned.groups].sort());
  });

  it("a setting added to the spec but not to the CDK mapping fails the comparison", async () => {
    const extended: PoolSpec = { ...spec, pool: { ...spec.pool, EmailVerificationSubject: "Verify your address" } };
    const { expected, actual } = comparablePools(await provisionCreates(extended), cdkCreates(extended));
    expect(expected).toHaveProperty("EmailVerificationSubject");
    expect(actual).not.toEqual(expected);
  });

  it("a changed password policy reaches both", async () => {
    const policy = spec.pool.Policies?.PasswordPolicy;
    const stricter: PoolSpec = { ...spec, pool: { ...spec.pool, Policies: { PasswordPolicy: { ...policy, MinimumLength: 16 } } } };
    const { expected, actual } = comparablePools(await provisionCreates(stricter), cdkCreates(stricter));
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({ Policies: { PasswordPolicy: { MinimumLength: 16 } } });
  });
});
