import type { Tokens } from "./token-storage";

/** The challenge names this client knows how to answer. */
export const KNOWN_CHALLENGES = ["MFA_SETUP", "SOFTWARE_TOKEN_MFA", "WEBAUTHN", "NEW_PASSWORD_REQUIRED", "PASSWORD_EXPIRED"] as const;
export type KnownChallenge = (typeof KNOWN_CHALLENGES)[number];

/** A TOTP secret to put in an authenticator app, and how to finish the enrolment. */
export type MfaSetupDetails = {
  secret: string;
  otpauthUri: string;
  /** PNG data URL of a QR code for `otpauthUri`. */
  qrCodeDataUrl: string;
  session: string;
  /** Sends the first code from the authenticator app; the answer is the next step. */
  submitCode(code: string): Promise<SignInResult>;
};

/** A passkey step: `options` go to navigator.credentials.get (e.g. @simplewebauthn/browser startAuthentication). */
export type PasskeyStep = {
  name: "WEBAUTHN";
  session: string;
  /** PublicKeyCredentialRequestOptionsJSON. */
  options: string;
  /** The AuthenticationResponseJSON, as a JSON string. */
  submitPasskey(response: string): Promise<SignInResult>;
};

/** One step a sign-in needs before tokens are issued. Each carries its own single-use gateway handle. */
export type ChallengeStep =
  | { name: "MFA_SETUP"; session: string; beginSetup(): Promise<MfaSetupDetails> }
  | {
      name: "SOFTWARE_TOKEN_MFA";
      session: string;
      /** Other ways to answer this step (`WEBAUTHN` when the user has a passkey). */
      alternatives: readonly string[];
      submitCode(code: string): Promise<SignInResult>;
      /** Exchanges this step for a passkey step (only when `alternatives` lists WEBAUTHN); this step is used up. */
      usePasskey(): Promise<PasskeyStep>;
      /** A recovery code instead of the TOTP code (lost phone): the answer is always MFA_SETUP (enrol again). */
      submitRecoveryCode(code: string): Promise<SignInResult>;
    }
  | PasskeyStep
  | { name: "NEW_PASSWORD_REQUIRED"; session: string; submitNewPassword(newPassword: string): Promise<SignInResult> }
  /**
   * The password that expired is asked again, always: a passkey sign-in never chooses the next password alone.
   * Without `currentPassword` the gateway answers FORBIDDEN, reason CURRENT_PASSWORD_REQUIRED (optional here
   * only so that code written for the one-argument form still compiles; it must be given).
   */
  | { name: "PASSWORD_EXPIRED"; session: string; submitNewPassword(newPassword: string, currentPassword?: string): Promise<SignInResult> }
  /** A challenge this version of the client does not know (a newer gateway's): tell the user to update. */
  | { name: "UNSUPPORTED"; challengeName: string; session: string };

export type SignInResult = { isSignedIn: true; nextStep: { name: "DONE" }; tokens: Tokens } | { isSignedIn: false; nextStep: ChallengeStep };

/** The calls a step needs; AuthClient provides them. */
export type StepActions = {
  beginMfaSetup(session: string): Promise<MfaSetupDetails>;
  respondToMfa(session: string, code: string): Promise<SignInResult>;
  beginPasskeyMfa(session: string): Promise<PasskeyStep>;
  respondWithPasskey(session: string, response: string): Promise<SignInResult>;
  respondWithRecoveryCode(session: string, code: string): Promise<SignInResult>;
  completeNewPassword(session: string, newPassword: string): Promise<SignInResult>;
  completeExpiredPassword(session: string, newPassword: string, currentPassword?: string): Promise<SignInResult>;
};

/**
 * Challenge name → step, one row per name. The order of steps is the gateway's business: every answer is
 * turned back into a step by the same table, so a reordered or new sequence needs no change here, and a
 * name missing from the table becomes UNSUPPORTED instead of an exception.
 */
const steps: { [K in KnownChallenge]: (session: string, actions: StepActions, alternatives: readonly string[]) => Extract<ChallengeStep, { name: K }> } = {
  MFA_SETUP: (session, actions) => ({ name: "MFA_SETUP", session, beginSetup: () => actions.beginMfaSetup(session) }),
  SOFTWARE_TOKEN_MFA: (session, actions, alternatives) => ({
    name: "SOFTWARE_TOKEN_MFA",
    session,
    alternatives,
    submitCode: (code) => actions.respondToMfa(session, code),
    usePasskey: () => actions.beginPasskeyMfa(session),
    submitRecoveryCode: (code) => actions.respondWithRecoveryCode(session, code),
  }),
  // The gateway hands a WEBAUTHN step out through beginPasskeyMfa (with its options), not as a login answer.
  WEBAUTHN: (session, actions) => ({ name: "WEBAUTHN", session, options: "{}", submitPasskey: (response) => actions.respondWithPasskey(session, response) }),
  NEW_PASSWORD_REQUIRED: (session, actions) => ({
    name: "NEW_PASSWORD_REQUIRED",
    session,
    submitNewPassword: (newPassword) => actions.completeNewPassword(session, newPassword),
  }),
  PASSWORD_EXPIRED: (session, actions) => ({
    name: "PASSWORD_EXPIRED",
    session,
    submitNewPassword: (newPassword, currentPassword) => actions.completeExpiredPassword(session, newPassword, currentPassword),
  }),
};

const isKnown = (name: string): name is KnownChallenge => Object.prototype.hasOwnProperty.call(steps, name);

export const stepFor = (challenge: { name: string; session: string; alternatives?: readonly string[] | null }, actions: StepActions): ChallengeStep =>
  isKnown(challenge.name)
    ? steps[challenge.name](challenge.session, actions, challenge.alternatives ?? [])
    : { name: "UNSUPPORTED", challengeName: challenge.name, session: challenge.session };
