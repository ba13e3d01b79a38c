import { createAuthClient, type CurrentUser, type Group, type SignInResult } from "@hipaa-auth-gateway/client";
import { MyProfileDocument } from "./generated/graphql";

/** What the app asks its user (a form, a prompt, or a test's script). */
export type AppUser = {
  email: string;
  password: string;
  givenName: string;
  /** The code the confirmation email carries. */
  emailCode(): Promise<string>;
  /** A current code from the authenticator app enrolled with `secret`. */
  totpCode(secret: string): Promise<string>;
};

export type AppRun = { steps: string[]; user: CurrentUser; profile: { givenName: string | null; memberOf: Group[]; minPasswordLength: number }; signedOutEverywhere: boolean };

/**
 * A whole first session with @hipaa-auth-gateway/client: sign up (typed next step), confirm, sign in with
 * TOTP enrolment, the current user, one typed operation from codegen (no casts), and sign-out everywhere.
 */
export const runClientApp = async (url: string, person: AppUser): Promise<AppRun> => {
  const auth = createAuthClient({ url });
  const steps: string[] = [];

  const signUp = await auth.register({ email: person.email, password: person.password, givenName: person.givenName });
  steps.push(signUp.nextStep.name);
  if (signUp.nextStep.name !== "CONFIRM_SIGN_UP") throw new Error(`this app does not know the sign-up step ${signUp.nextStep.stepName}`);
  steps.push((await signUp.nextStep.confirm(await person.emailCode())).nextStep.name);

  let secret = "";
  let result: SignInResult = await auth.signIn(person.email, person.password);
  while (!result.isSignedIn) {
    const step = result.nextStep;
    steps.push(step.name);
    if (step.name === "MFA_SETUP") {
      const setup = await step.beginSetup(); // show setup.qrCodeDataUrl
      secret = setup.secret;
      result = await setup.submitCode(await person.totpCode(secret));
    } else if (step.name === "SOFTWARE_TOKEN_MFA") result = await step.submitCode(await person.totpCode(secret));
    else throw new Error(`this app does not handle ${step.name}`);
  }
  steps.push(result.nextStep.name);

  const user = await auth.currentUser();
  // Typed from schema.graphql by codegen: `me.memberOf` is Group[] ("ADMIN" | "PATIENT" | "PROVIDER"), `passwordPolicy.minLength` a number.
  const { me, passwordPolicy } = await auth.request(MyProfileDocument);
  await auth.signOutEverywhere();
  return { steps, user, profile: { givenName: me.givenName, memberOf: me.memberOf, minPasswordLength: passwordPolicy.minLength }, signedOutEverywhere: (await auth.getTokens()) === null };
};
