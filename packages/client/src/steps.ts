import type { Tokens } from "./token-storage";

/** The challenge names this client knows how to answer. */
export const KNOWN_CHALLENGES = ["MFA_SETUP", "SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED", "PASSWORD_EXPIRED"] as const;
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

/** One step a sign-in needs before tokens are issued. Each carries its own single-use gateway handle. */
export type ChallengeStep =
  | { name: "MFA_SETUP"; session: string; beginSetup(): Promise<MfaSetupDetails> }
  | { name: "SOFTWARE_TOKEN_MFA"; session: string; submitCode(code: string): Promise<SignInResult> }
  | { name: "NEW_PASSWORD_REQUIRED"; session: string; submitNewPassword(newPassword: string): Promise<SignInResult> }
  | { name: "PASSWORD_EXPIRED"; session: string; submitNewPassword(newPassword: string): Promise<SignInResult> }
  /** A challenge this version of the client does not know (e.g. a newer gateway's WEBAUTHN): tell the user to update. */
  | { name: "UNSUPPORTED"; challengeName: string; session: string };

export type SignInResult = { isSignedIn: true; nextStep: { name: "DONE" }; tokens: Tokens } | { isSignedIn: false; nextStep: ChallengeStep };

/** The calls a step needs; AuthClient provides them. */
export type StepActions = {
  beginMfaSetup(session: string): Promise<MfaSetupDetails>;
  respondToMfa(session: string, code: string): Promise<SignInResult>;
  completeNewPassword(session: string, newPassword: string): Promise<SignInResult>;
  completeExpiredPassword(session: string, newPassword: string): Promise<SignInResult>;
};

/**
 * Challenge name → step, one row per name. The order of steps is the gateway's business: every answer is
 * turned back into a step by the same table, so a reordered or new sequence needs no change here, and a
 * name missing from the table becomes UNSUPPORTED instead of an exception.
 */
const steps: { [K in KnownChallenge]: (session: string, actions: StepActions) => Extract<ChallengeStep, { name: K }> } = {
  MFA_SETUP: (session, actions) => ({ name: "MFA_SETUP", session, beginSetup: () => actions.beginMfaSetup(session) }),
  SOFTWARE_TOKEN_MFA: (session, actions) => ({ name: "SOFTWARE_TOKEN_MFA", session, submitCode: (code) => actions.respondToMfa(session, code) }),
  NEW_PASSWORD_REQUIRED: (session, actions) => ({
    name: "NEW_PASSWORD_REQUIRED",
    session,
    submitNewPassword: (newPassword) => actions.completeNewPassword(session, newPassword),
  }),
  PASSWORD_EXPIRED: (session, actions) => ({
    name: "PASSWORD_EXPIRED",
    session,
    submitNewPassword: (newPassword) => actions.completeExpiredPassword(session, newPassword),
  }),
};

const isKnown = (name: string): name is KnownChallenge => Object.prototype.hasOwnProperty.call(steps, name);

export const stepFor = (challenge: { name: string; session: string }, actions: StepActions): ChallengeStep =>
  isKnown(challenge.name) ? steps[challenge.name](challenge.session, actions) : { name: "UNSUPPORTED", challengeName: challenge.name, session: challenge.session };
