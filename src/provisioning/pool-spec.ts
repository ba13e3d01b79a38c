import type { CreateUserPoolClientCommandInput, CreateUserPoolCommandInput, SetUserPoolMfaConfigCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { minimumPasswordLength } from "../policy/password-policy";

export type PoolSpecOptions = {
  poolName: string;
  clientName: string;
  callbackUrls: string[];
  logoutUrls: string[];
  refreshTokenDays: number;
  temporaryPasswordDays: number;
  /** Needs the Plus feature plan on AWS; OFF where the plan does not allow it. */
  advancedSecurity: "ENFORCED" | "AUDIT" | "OFF";
  /** ON in production. cognito-local cannot run the MFA_SETUP challenge, so dev uses OPTIONAL (the gateway enforces). */
  mfa: "ON" | "OPTIONAL";
  /** A confidential client (the gateway keeps the secret); cognito-local does not support SECRET_HASH. */
  generateSecret: boolean;
};

export type PoolSpec = {
  poolName: string;
  /** Settings UpdateUserPool can change later. */
  pool: Omit<CreateUserPoolCommandInput, "PoolName" | "UsernameAttributes">;
  /** Fixed when the pool is created; a difference on an existing pool is reported, not changed. */
  createOnly: Pick<CreateUserPoolCommandInput, "UsernameAttributes">;
  mfa: Omit<SetUserPoolMfaConfigCommandInput, "UserPoolId">;
  client: Omit<CreateUserPoolClientCommandInput, "UserPoolId" | "GenerateSecret"> & { ClientName: string };
  generateSecret: boolean;
  groups: string[];
};

export class ProvisionError extends Error {
  override readonly name = "ProvisionError";
}

/** OAuth redirects must be HTTPS; plain HTTP only to this machine (local development). */
export const assertSafeRedirects = (label: string, urls: readonly string[]): void => {
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ProvisionError(`${label}: not a URL`);
    }
    const local = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && local)) {
      throw new ProvisionError(`${label}: ${parsed.protocol}//${parsed.host} is not allowed; use https:// (http:// only for localhost)`);
    }
  }
};

/** The HIPAA pool: TOTP-only MFA, a 12-character four-class password policy, email as username, no enumeration. */
export const hipaaPoolSpec = (o: PoolSpecOptions): PoolSpec => {
  assertSafeRedirects("callback URL", o.callbackUrls);
  assertSafeRedirects("sign-out URL", o.logoutUrls);
  return {
    poolName: o.poolName,
    createOnly: { UsernameAttributes: ["email"] },
    pool: {
      Policies: {
        PasswordPolicy: {
          MinimumLength: minimumPasswordLength,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: o.temporaryPasswordDays,
        },
      },
      AutoVerifiedAttributes: ["email"],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
      DeletionProtection: "ACTIVE",
      UserPoolAddOns: { AdvancedSecurityMode: o.advancedSecurity },
      // Threat protection (AUDIT or ENFORCED) exists only in the Plus feature plan.
      ...(o.advancedSecurity !== "OFF" && { UserPoolTier: "PLUS" as const }),
      MfaConfiguration: o.mfa,
    },
    mfa: { MfaConfiguration: o.mfa, SoftwareTokenMfaConfiguration: { Enabled: true } },
    client: {
      ClientName: o.clientName,
      // CUSTOM_AUTH: tokens after a passkey or recovery code, answered only with the gateway's CUSTOM_AUTH_PRIVATE_KEY (deploy/cognito-custom-auth).
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"],
      PreventUserExistenceErrors: "ENABLED",
      EnableTokenRevocation: true,
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: o.refreshTokenDays,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      // aws.cognito.signin.user.admin: hosted-login tokens must be able to read the profile (GetUser), as the gateway does at login.
      AllowedOAuthScopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
      CallbackURLs: o.callbackUrls,
      LogoutURLs: o.logoutUrls,
      SupportedIdentityProviders: ["COGNITO"],
    },
    generateSecret: o.generateSecret,
    groups: ["admin", "provider", "patient"],
  };
};
