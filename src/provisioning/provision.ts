import {
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
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type CognitoIdentityProviderClient,
  type UpdateUserPoolClientCommandInput,
  type UpdateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { describeDifference, differences } from "./diff";
import { ProvisionError, type PoolSpec } from "./pool-spec";

export type ProvisionOptions = {
  dryRun: boolean;
  /** cognito-local: settings it does not keep are not compared (they would never converge). */
  emulator: boolean;
};

export type ProvisionResult = { userPoolId: string | undefined; clientId: string | undefined; changes: string[] };

/** Settings cognito-local drops or does not report; compared only against real Cognito. */
const notKeptByEmulator = new Set(["pool.DeletionProtection", "pool.UserAttributeUpdateSettings", "client.PreventUserExistenceErrors"]);

/** UpdateUserPool and UpdateUserPoolClient reset whatever they are not given: carry these over from the current settings. */
const poolUpdatable = [
  "AccountRecoverySetting", "AdminCreateUserConfig", "AutoVerifiedAttributes", "DeletionProtection", "DeviceConfiguration", "EmailConfiguration",
  "EmailVerificationMessage", "EmailVerificationSubject", "LambdaConfig", "MfaConfiguration", "Policies", "SmsAuthenticationMessage",
  "SmsConfiguration", "SmsVerificationMessage", "UserAttributeUpdateSettings", "UserPoolAddOns", "UserPoolTags", "UserPoolTier", "VerificationMessageTemplate",
] as const;
const clientUpdatable = [
  "ClientName", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits", "ReadAttributes", "WriteAttributes",
  "ExplicitAuthFlows", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes",
  "AllowedOAuthFlowsUserPoolClient", "AnalyticsConfiguration", "PreventUserExistenceErrors", "EnableTokenRevocation", "AuthSessionValidity",
] as const;

const pick = <T extends object>(source: object | undefined, keys: readonly string[]): Partial<T> =>
  Object.fromEntries(keys.flatMap((k) => (source && k in source ? [[k, (source as Record<string, unknown>)[k]]] : []))) as Partial<T>;

const findPool = async (cognito: CognitoIdentityProviderClient, name: string): Promise<string | undefined> => {
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }));
    const found = page.UserPools?.find((p) => p.Name === name)?.Id;
    if (found) return found;
    token = page.NextToken;
  } while (token);
  return undefined;
};

const findClient = async (cognito: CognitoIdentityProviderClient, userPoolId: string, name: string): Promise<string | undefined> => {
  let token: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: token }));
    const found = page.UserPoolClients?.find((c) => c.ClientName === name)?.ClientId;
    if (found) return found;
    token = page.NextToken;
  } while (token);
  return undefined;
};

/**
 * Makes the pool, its app client and its groups match the spec: creates what is missing, updates what
 * differs, and lists every change (or, with dryRun, every change it would make). Running it twice changes
 * nothing the second time.
 */
export const provision = async (cognito: CognitoIdentityProviderClient, spec: PoolSpec, options: ProvisionOptions): Promise<ProvisionResult> => {
  const changes: string[] = [];
  const skip = options.emulator ? notKeptByEmulator : new Set<string>();
  const apply = async (change: string, run: () => Promise<unknown>) => {
    changes.push(change);
    if (!options.dryRun) await run();
  };

  let userPoolId = await findPool(cognito, spec.poolName);
  if (!userPoolId) {
    changes.push(`create user pool ${spec.poolName}`);
    if (options.dryRun) return { userPoolId, clientId: undefined, changes: [...changes, `create app client ${spec.client.ClientName}`, ...spec.groups.map((g) => `create group ${g}`)] };
    // TOTP-only MFA ON is set after creation: CreateUserPool would ask for an SMS configuration.
    const created = await cognito.send(new CreateUserPoolCommand({ ...spec.pool, ...spec.createOnly, PoolName: spec.poolName, MfaConfiguration: "OFF" }));
    userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new ProvisionError("Cognito did not return the new pool's id");
  }
  const poolId = userPoolId;

  const mfa = await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  const mfaDiff = differences(spec.mfa, mfa, "mfa", skip);
  if (mfaDiff.length > 0) await apply(mfaDiff.map(describeDifference).join("; "), () => cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, ...spec.mfa })));

  const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool;
  const fixed = differences(spec.createOnly, pool, "pool", skip);
  if (fixed.length > 0) throw new ProvisionError(`cannot change on an existing pool: ${fixed.map(describeDifference).join("; ")}`);
  const poolDiff = differences(spec.pool, pool, "pool", skip);
  if (poolDiff.length > 0) {
    const input: UpdateUserPoolCommandInput = { ...pick<UpdateUserPoolCommandInput>(pool, poolUpdatable), ...spec.pool, UserPoolId: poolId };
    await apply(poolDiff.map(describeDifference).join("; "), () => cognito.send(new UpdateUserPoolCommand(input)));
  }

  let clientId = await findClient(cognito, poolId, spec.client.ClientName);
  if (!clientId) {
    await apply(`create app client ${spec.client.ClientName}`, async () => {
      const created = await cognito.send(new CreateUserPoolClientCommand({ ...spec.client, UserPoolId: poolId, GenerateSecret: spec.generateSecret }));
      clientId = created.UserPoolClient?.ClientId;
    });
  } else {
    const client = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient;
    const clientDiff = differences(spec.client, client, "client", skip);
    if (clientDiff.length > 0) {
      const input: UpdateUserPoolClientCommandInput = { ...pick<UpdateUserPoolClientCommandInput>(client, clientUpdatable), ...spec.client, UserPoolId: poolId, ClientId: clientId };
      await apply(clientDiff.map(describeDifference).join("; "), () => cognito.send(new UpdateUserPoolClientCommand(input)));
    }
  }

  const existing = new Set((await cognito.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups?.map((g) => g.GroupName));
  for (const group of spec.groups.filter((g) => !existing.has(g))) {
    await apply(`create group ${group}`, () => cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: group })));
  }
  return { userPoolId: poolId, clientId, changes };
};
