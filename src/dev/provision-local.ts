import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };
export const appGroups = ["admin", "provider", "patient"] as const;

export type ProvisionedPool = { userPoolId: string; clientId: string; issuer: string; jwksUri: string };

/**
 * Creates (idempotently) a pool shaped like the HIPAA pool on cognito-local: email as username,
 * email auto-verified, the app's groups, a public client for USER_PASSWORD_AUTH + refresh with
 * 15-minute access tokens. MFA stays OPTIONAL here: cognito-local cannot run the MFA_SETUP challenge,
 * so the gateway enforces enrolment itself.
 */
export const provisionLocalPool = async (endpoint: string, names = { pool: "auth-gateway-dev", client: "auth-gateway-dev" }): Promise<ProvisionedPool> => {
  const cognito = new CognitoIdentityProviderClient({ endpoint, region: "local", credentials: localCredentials });
  try {
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((p) => p.Name === names.pool)?.Id;
    if (!userPoolId) {
      const created = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: names.pool,
          UsernameAttributes: ["email"],
          AutoVerifiedAttributes: ["email"],
          MfaConfiguration: "OPTIONAL",
          // A changed email takes effect only once its code is confirmed.
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
          Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true } },
        }),
      );
      userPoolId = created.UserPool?.Id;
    }
    if (!userPoolId) throw new Error("cognito-local did not return a user pool id");

    const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((c) => c.ClientName === names.client)?.ClientId;
    if (!clientId) {
      const created = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: names.client,
          GenerateSecret: false,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          AccessTokenValidity: 15,
          IdTokenValidity: 15,
          RefreshTokenValidity: 30,
          TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
          EnableTokenRevocation: true,
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
    }
    if (!clientId) throw new Error("cognito-local did not return an app client id");

    const groups = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
    const existing = new Set(groups.Groups?.map((g) => g.GroupName));
    for (const group of appGroups) {
      if (!existing.has(group)) await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
    }
    const issuer = `${endpoint}/${userPoolId}`;
    return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  } finally {
    cognito.destroy();
  }
};
