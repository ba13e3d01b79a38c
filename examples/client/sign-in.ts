import { createAuthClient } from "@hipaa-auth-gateway/client";

/** What the app asks its user for: a form, a terminal prompt, or a test's script. */
export type Ask = (what: "email" | "password" | "code" | "new password", secret?: string) => Promise<string>;

/**
 * An app signing in with @hipaa-auth-gateway/client. The lines between the readme markers are docs/client.md's
 * example, word for word (a test compares them, and another runs this against the real gateway).
 */
export const signInExample = async (url: string, ask: Ask) => {
  // readme:begin
  const auth = createAuthClient({ url }); // tokens stay in memory; pass `storage` to keep them elsewhere
  let result = await auth.signIn(await ask("email"), await ask("password"));
  while (!result.isSignedIn) {
    const step = result.nextStep; // the gateway decides the steps and their order
    if (step.name === "MFA_SETUP") {
      const setup = await step.beginSetup(); // show setup.qrCodeDataUrl or setup.secret
      result = await setup.submitCode(await ask("code", setup.secret));
    } else if (step.name === "SOFTWARE_TOKEN_MFA") result = await step.submitCode(await ask("code"));
    else if (step.name === "WEBAUTHN") throw new Error("passkeys need a browser (@simplewebauthn/browser)");
    else if (step.name === "UNSUPPORTED") throw new Error(`update the app to sign in (${step.challengeName})`);
    else result = await step.submitNewPassword(await ask("new password")); // NEW_PASSWORD_REQUIRED, PASSWORD_EXPIRED
  }
  const { me } = await auth.request<{ me: { email: string; memberOf: string[] } }>("{ me { email memberOf } }");
  // readme:end
  return { auth, me };
};
