import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { hipaaPoolSpec } from "../provisioning/pool-spec";
import { provision } from "../provisioning/provision";

import { localCredentials } from "../provisioning/local-credentials";

export { localCredentials };

export type ProvisionedPool = { userPoolId: string; clientId: string; issuer: string; jwksUri: string };

/**
 * The HIPAA pool on cognito-local, through the same provisioning code as production, with what the
 * emulator needs: MFA OPTIONAL (it cannot run the MFA_SETUP challenge; the gateway enforces enrolment),
 * no client secret (no SECRET_HASH support), no advanced security.
 */
export const provisionLocalPool = async (endpoint: string, names = { pool: "auth-gateway-dev", client: "auth-gateway-dev" }): Promise<ProvisionedPool> => {
  const cognito = new CognitoIdentityProviderClient({ endpoint, region: "local", credentials: localCredentials });
  try {
    const spec = hipaaPoolSpec({
      poolName: names.pool,
      clientName: names.client,
      callbackUrls: ["http://localhost:4000/callback"],
      logoutUrls: ["http://localhost:4000/"],
      refreshTokenDays: 30,
      temporaryPasswordDays: 7,
      advancedSecurity: "OFF",
      mfa: "OPTIONAL",
      generateSecret: false,
    });
    const { userPoolId, clientId } = await provision(cognito, spec, { dryRun: false, emulator: true });
    if (!userPoolId || !clientId) throw new Error("provisioning cognito-local returned no pool or client");
    const issuer = `${endpoint}/${userPoolId}`;
    return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  } finally {
    cognito.destroy();
  }
};
