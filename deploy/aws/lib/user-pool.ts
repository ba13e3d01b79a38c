import * as path from "node:path";
import { Duration, RemovalPolicy, SecretValue, Stack } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { PoolSpec } from "../../../src/provisioning/pool-spec";
import { logRetention } from "./retention";

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`pool spec: ${what} is missing`);
  return value;
};

/**
 * The pool as CloudFormation properties, field by field from the same spec `npm run provision` sends to the
 * SDK (test/deploy/pool-drift.test.ts walks every field of the spec and fails on one this mapping misses).
 */
export const userPoolProperties = (spec: PoolSpec): cognito.CfnUserPoolProps => {
  const { pool, createOnly, mfa } = spec;
  const password = required(pool.Policies?.PasswordPolicy, "Policies.PasswordPolicy");
  return {
    userPoolName: spec.poolName,
    usernameAttributes: createOnly.UsernameAttributes,
    policies: {
      passwordPolicy: {
        minimumLength: password.MinimumLength,
        requireUppercase: password.RequireUppercase,
        requireLowercase: password.RequireLowercase,
        requireNumbers: password.RequireNumbers,
        requireSymbols: password.RequireSymbols,
        temporaryPasswordValidityDays: password.TemporaryPasswordValidityDays,
      },
    },
    autoVerifiedAttributes: pool.AutoVerifiedAttributes,
    accountRecoverySetting: { recoveryMechanisms: pool.AccountRecoverySetting?.RecoveryMechanisms?.map((m) => ({ name: m.Name, priority: m.Priority })) },
    adminCreateUserConfig: { allowAdminCreateUserOnly: pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly },
    userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: required(pool.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate, "AttributesRequireVerificationBeforeUpdate") },
    deletionProtection: pool.DeletionProtection,
    userPoolAddOns: { advancedSecurityMode: pool.UserPoolAddOns?.AdvancedSecurityMode },
    userPoolTier: pool.UserPoolTier,
    mfaConfiguration: mfa.MfaConfiguration,
    enabledMfas: mfa.SoftwareTokenMfaConfiguration?.Enabled ? ["SOFTWARE_TOKEN_MFA"] : [],
  };
};

export const userPoolClientProperties = (spec: PoolSpec, userPoolId: string): cognito.CfnUserPoolClientProps => {
  const { client } = spec;
  return {
    userPoolId,
    clientName: client.ClientName,
    generateSecret: spec.generateSecret,
    explicitAuthFlows: client.ExplicitAuthFlows,
    preventUserExistenceErrors: client.PreventUserExistenceErrors,
    enableTokenRevocation: client.EnableTokenRevocation,
    accessTokenValidity: client.AccessTokenValidity,
    idTokenValidity: client.IdTokenValidity,
    refreshTokenValidity: client.RefreshTokenValidity,
    tokenValidityUnits: { accessToken: client.TokenValidityUnits?.AccessToken, idToken: client.TokenValidityUnits?.IdToken, refreshToken: client.TokenValidityUnits?.RefreshToken },
    allowedOAuthFlows: client.AllowedOAuthFlows,
    allowedOAuthFlowsUserPoolClient: client.AllowedOAuthFlowsUserPoolClient,
    allowedOAuthScopes: client.AllowedOAuthScopes,
    callbackUrLs: client.CallbackURLs,
    logoutUrLs: client.LogoutURLs,
    supportedIdentityProviders: client.SupportedIdentityProviders,
  };
};

export type UserPoolProps = {
  spec: PoolSpec;
  hostedDomainPrefix: string;
  customAuthPublicKeys: string[];
  triggerConcurrency: number;
  key: kms.IKey;
  vpc: ec2.IVpc;
};

const triggers = {
  defineAuthChallenge: "define-auth-challenge.ts",
  createAuthChallenge: "create-auth-challenge.ts",
  verifyAuthChallengeResponse: "verify-auth-challenge-response.ts",
} as const;

/** The HIPAA pool, the gateway's app client (its secret kept in Secrets Manager), the groups, the hosted domain and the custom-auth triggers. */
export class GatewayUserPool extends Construct {
  readonly userPoolId: string;
  readonly userPoolArn: string;
  readonly clientId: string;
  readonly clientSecret: secrets.Secret;
  readonly hostedDomain: string;

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);
    const { spec } = props;
    const pool = new cognito.CfnUserPool(this, "Pool", userPoolProperties(spec));
    // Deletion protection is on in the pool itself; CloudFormation must not delete it either.
    pool.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.userPoolId = pool.ref;
    this.userPoolArn = pool.attrArn;

    // Triggers run inside the VPC's isolated subnets: they call nothing, so they need no route out.
    const triggerSecurityGroup = new ec2.SecurityGroup(this, "TriggerSecurityGroup", { vpc: props.vpc, allowAllOutbound: false, description: "Custom-auth triggers: no inbound, no outbound" });
    const lambdaConfig: Record<string, string> = {};
    for (const [trigger, file] of Object.entries(triggers)) {
      const logGroup = new logs.LogGroup(this, `${trigger}Logs`, { retention: logRetention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
      const role = new iam.Role(this, `${trigger}Role`, { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"), description: `Custom-auth trigger ${trigger}: its own log group and VPC interfaces only` });
      const fn = new nodejs.NodejsFunction(this, trigger, {
        entry: path.join(__dirname, "..", "..", "cognito-custom-auth", file),
        runtime: lambda.Runtime.NODEJS_26_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(5),
        role,
        logGroup,
        environment: { CUSTOM_AUTH_PUBLIC_KEYS: JSON.stringify(props.customAuthPublicKeys) },
        environmentEncryption: props.key,
        reservedConcurrentExecutions: props.triggerConcurrency,
        vpc: props.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [triggerSecurityGroup],
        bundling: { forceDockerBundling: false, minify: true, sourceMap: false, target: "node26", logLevel: nodejs.LogLevel.ERROR },
      });
      logGroup.grantWrite(role);
      role.addToPolicy(new iam.PolicyStatement({
        // ENI management has no resource-level scoping for Create/Describe (AWS documents "*" for these actions).
        actions: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        resources: ["*"],
      }));
      fn.addPermission(`${trigger}FromCognito`, { principal: new iam.ServicePrincipal("cognito-idp.amazonaws.com"), sourceArn: pool.attrArn, sourceAccount: Stack.of(this).account });
      lambdaConfig[trigger] = fn.functionArn;
    }
    pool.lambdaConfig = lambdaConfig;

    const client = new cognito.CfnUserPoolClient(this, "GatewayClient", userPoolClientProperties(spec, pool.ref));
    this.clientId = client.ref;
    for (const group of spec.groups) new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: pool.ref, groupName: group });

    const domain = new cognito.CfnUserPoolDomain(this, "HostedDomain", { userPoolId: pool.ref, domain: props.hostedDomainPrefix });
    this.hostedDomain = `https://${domain.domain}.auth.${Stack.of(this).region}.amazoncognito.com`;

    // The client secret never appears in the template: CloudFormation reads it from the client into the secret.
    this.clientSecret = new secrets.Secret(this, "ClientSecret", {
      description: "COGNITO_CLIENT_SECRET of the gateway's app client (written by CloudFormation from the client)",
      secretStringValue: SecretValue.resourceAttribute(client.attrClientSecret),
      encryptionKey: props.key,
    });
  }
}
