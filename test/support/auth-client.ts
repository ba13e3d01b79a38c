import { createAuthClient, type AuthClient, type AuthClientOptions, type FetchLike, type SignInResult } from "@hipaa-auth-gateway/client";
import { createAccessTokenVerifier, webFetcher, type AccessTokenVerifier } from "../../src/context/token-verifier";
import { TokenRejection, tokenRejected } from "../../src/errors/error-codes";
import { testCognito, TEST_CODE } from "../setup/test-cognito";
import type { TestGateway } from "./test-gateway";
import { freshCode, PASSWORD, uniqueEmail } from "./users";

/** global fetch, counting the requests whose operation is `field` (e.g. how many refreshTokens calls went out). */
export const countingFetch = (field: string): FetchLike & { count: () => number } => {
  let count = 0;
  const counted: FetchLike = async (input, init) => {
    if (init.body.includes(`${field}(`)) count += 1;
    return fetch(input, init);
  };
  return Object.assign(counted, { count: () => count });
};

/** What a test answers each kind of step with; the loop does not assume any order of steps. */
export type StepAnswers = { secret?: string; newPassword?: string; currentPassword?: string; onSecret?: (secret: string) => void };

/** Follows `nextStep` until DONE, as an app's sign-in screen would; returns the names it went through. */
export const finishSignIn = async (first: SignInResult, answers: StepAnswers): Promise<{ steps: string[]; result: SignInResult }> => {
  const steps: string[] = [];
  let result = first;
  let secret = answers.secret;
  while (!result.isSignedIn) {
    const step = result.nextStep;
    steps.push(step.name);
    if (steps.length > 6) throw new Error(`sign-in did not finish: ${steps.join(" → ")}`);
    switch (step.name) {
      case "MFA_SETUP": {
        const setup = await step.beginSetup();
        secret = setup.secret;
        answers.onSecret?.(setup.secret);
        result = await setup.submitCode(await freshCode(setup.secret));
        break;
      }
      case "SOFTWARE_TOKEN_MFA":
        if (!secret) throw new Error("SOFTWARE_TOKEN_MFA without a secret");
        result = await step.submitCode(await freshCode(secret));
        break;
      case "NEW_PASSWORD_REQUIRED":
        result = await step.submitNewPassword(answers.newPassword ?? PASSWORD);
        break;
      case "PASSWORD_EXPIRED":
        result = await step.submitNewPassword(answers.newPassword ?? PASSWORD, answers.currentPassword ?? PASSWORD);
        break;
      case "UNSUPPORTED":
        throw new Error(`unsupported step ${step.challengeName}`);
    }
  }
  return { steps, result };
};

export type SignedInClient = { auth: AuthClient; email: string; secret: string };

/** A client of `gw` that registered, confirmed, enrolled TOTP and is signed in. */
export const signedInClient = async (gw: Pick<TestGateway, "url">, options: Partial<AuthClientOptions> = {}): Promise<SignedInClient> => {
  const auth = createAuthClient({ url: gw.url, ...options });
  const email = uniqueEmail();
  await auth.register({ email, password: PASSWORD });
  await auth.confirmSignUp(email, TEST_CODE);
  let secret = "";
  await finishSignIn(await auth.signIn(email, PASSWORD), { onSecret: (s) => (secret = s) });
  return { auth, email, secret };
};

/**
 * The gateway's real verifier, except that tokens put in `expired` are refused as TOKEN_EXPIRED: the only
 * way to have the gateway call a token expired while the client still believes it is fresh (a clock skew)
 * without waiting out its real lifetime.
 */
export const verifierWithExpiredTokens = (): AccessTokenVerifier & { expired: Set<string> } => {
  const cognito = testCognito();
  const real = createAccessTokenVerifier({ issuer: cognito.issuer, jwksUri: cognito.jwksUri, clientId: cognito.clientId, fetcher: webFetcher });
  const expired = new Set<string>();
  return {
    expired,
    verify: (token) => (expired.has(token) ? Promise.reject(tokenRejected(TokenRejection.TOKEN_EXPIRED)) : real.verify(token)),
    hydrate: () => real.hydrate(),
    get hydrated() {
      return real.hydrated;
    },
  };
};
