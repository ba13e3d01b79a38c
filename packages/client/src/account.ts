/** What the signed-in user sees of their account (the gateway's `me`). */
export type CurrentUser = {
  sub: string;
  email: string;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
  groups: string[];
  mfaStatus: { enabled: boolean; method: string | null };
};

/** After `register`: the one step the gateway asks for today, or one this version does not know. */
export type SignUpStep =
  | {
      name: "CONFIRM_SIGN_UP";
      /** Sends the emailed code; the answer is the next step (SIGN_IN). */
      confirm(code: string): Promise<ConfirmSignUpResult>;
      /** Sends the code again (always succeeds: the answer never reveals whether the account exists). */
      resendCode(): Promise<void>;
    }
  /** A step a newer gateway asks for: tell the user to update the app. */
  | { name: "UNSUPPORTED"; stepName: string };

export type SignUpResult = { accepted: boolean; nextStep: SignUpStep };

export type ConfirmSignUpResult = { isSignUpComplete: true; nextStep: { name: "SIGN_IN" } };

/**
 * Proof of a second factor in the same request, for sensitive changes (change password, …): a fresh TOTP code,
 * or a passkey assertion (AuthenticationResponseJSON as a JSON string). Forwarded as `code` / `passkey`.
 */
export type StepUp = { code: string } | { passkey: string };

export const stepUpVariables = (stepUp: StepUp | undefined): { declarations: string; arguments: string; variables: Record<string, string> } => {
  if (!stepUp) return { declarations: "", arguments: "", variables: {} };
  if ("code" in stepUp) return { declarations: ", $code: String!", arguments: ", code: $code", variables: { code: stepUp.code } };
  return { declarations: ", $passkey: String!", arguments: ", passkey: $passkey", variables: { passkey: stepUp.passkey } };
};
