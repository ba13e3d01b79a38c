import { customAuthSigningKey } from "../../src/shared/custom-auth-proof";
import { CognitoIdentityProvider } from "../../src/auth/cognito/cognito-identity-provider";
import { localCredentials } from "../../src/dev/provision-local";
import { testCognito } from "../setup/test-cognito";

/** The real adapter against the run's cognito-local, recording the name of every SDK call it makes. */
export const countingIdp = () => {
  const cognito = testCognito();
  const idp = new CognitoIdentityProvider({ clientId: cognito.clientId, clientSecret: undefined, region: "local", endpoint: cognito.endpoint, credentials: localCredentials, emulator: true, customAuthKey: customAuthSigningKey(cognito.customAuthPrivateKey) });
  const calls: string[] = [];
  idp.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize" },
  );
  return { idp, calls };
};
