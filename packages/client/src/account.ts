/**
 * Account security for a signed-in user. Every change of a sign-in method or of the recovery channel carries
 * a fresh second factor in its own request (the gateway answers FORBIDDEN, reason STEP_UP_REQUIRED, without
 * one): ask the user to "confirm with your authenticator" and pass the code, or a passkey's answer to
 * `beginPasskeyStepUp()` (navigator.credentials.get / @simplewebauthn/browser startAuthentication).
 */
export type FreshFactor = { code: string } | { passkey: string };

export type AccountActions = {
  /** Request options (JSON) for a passkey step-up: single use, bound to this session. */
  beginPasskeyStepUp(): Promise<string>;
  changePassword(currentPassword: string, newPassword: string, factor: FreshFactor): Promise<void>;
  /** A code goes to the new address; the old one is told at once and can undo the change for 7 days. */
  requestEmailChange(newEmail: string, factor: FreshFactor): Promise<void>;
  confirmEmailChange(code: string): Promise<void>;
  /** No sign-in needed: the token from the notice the OLD address received. Ends every session of the account. */
  undoEmailChange(token: string): Promise<void>;
  /** Ten single-use codes, shown once; the previous set stops working. */
  generateRecoveryCodes(factor: FreshFactor): Promise<string[]>;
  /** Creation options (JSON) for navigator.credentials.create; finish with completePasskeyRegistration. */
  beginPasskeyRegistration(factor: FreshFactor): Promise<string>;
  completePasskeyRegistration(response: string, nickname: string): Promise<{ id: string; nickname: string }>;
  removePasskey(id: string, factor: FreshFactor): Promise<void>;
};

const factorVars = "$code: String, $passkey: String";
const factorArgs = "code: $code, passkey: $passkey";

const accountOps = {
  beginPasskeyStepUp: "mutation BeginPasskeyStepUp { beginPasskeyStepUp }",
  changePassword: `mutation ChangePassword($currentPassword: String!, $newPassword: String!, ${factorVars}) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword, ${factorArgs}) }`,
  requestEmailChange: `mutation RequestEmailChange($newEmail: String!, ${factorVars}) { requestEmailChange(newEmail: $newEmail, ${factorArgs}) }`,
  confirmEmailChange: "mutation ConfirmEmailChange($code: String!) { confirmEmailChange(code: $code) }",
  undoEmailChange: "mutation UndoEmailChange($token: String!) { undoEmailChange(token: $token) }",
  generateRecoveryCodes: `mutation GenerateRecoveryCodes(${factorVars}) { generateRecoveryCodes(${factorArgs}) }`,
  beginPasskeyRegistration: `mutation BeginPasskeyRegistration(${factorVars}) { beginPasskeyRegistration(${factorArgs}) }`,
  completePasskeyRegistration: "mutation CompletePasskeyRegistration($response: String!, $nickname: String!) { completePasskeyRegistration(response: $response, nickname: $nickname) { id nickname } }",
  removePasskey: `mutation RemovePasskey($id: String!, ${factorVars}) { removePasskey(id: $id, ${factorArgs}) }`,
} as const;

type Send = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

/** `signedIn` sends with the access token (refreshing it when due); `anonymous` without one (undo needs no sign-in). */
export const accountActions = (signedIn: Send, anonymous: Send): AccountActions => {
  const field = async <K extends keyof typeof accountOps, T>(send: Send, name: K, variables: Record<string, unknown> = {}): Promise<T> =>
    (await send<Record<K, T>>(accountOps[name], variables))[name];
  return {
    beginPasskeyStepUp: () => field<"beginPasskeyStepUp", string>(signedIn, "beginPasskeyStepUp"),
    changePassword: async (currentPassword, newPassword, factor) => {
      await field(signedIn, "changePassword", { currentPassword, newPassword, ...factor });
    },
    requestEmailChange: async (newEmail, factor) => {
      await field(signedIn, "requestEmailChange", { newEmail, ...factor });
    },
    confirmEmailChange: async (code) => {
      await field(signedIn, "confirmEmailChange", { code });
    },
    undoEmailChange: async (token) => {
      await field(anonymous, "undoEmailChange", { token });
    },
    generateRecoveryCodes: (factor) => field<"generateRecoveryCodes", string[]>(signedIn, "generateRecoveryCodes", { ...factor }),
    beginPasskeyRegistration: (factor) => field<"beginPasskeyRegistration", string>(signedIn, "beginPasskeyRegistration", { ...factor }),
    completePasskeyRegistration: (response, nickname) => field<"completePasskeyRegistration", { id: string; nickname: string }>(signedIn, "completePasskeyRegistration", { response, nickname }),
    removePasskey: async (id, factor) => {
      await field(signedIn, "removePasskey", { id, ...factor });
    },
  };
};

/** What the signed-in user sees of their account (the gateway's `me`). */
export type CurrentUser = {
  sub: string;
  email: string;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
  /** @deprecated Use `memberOf`; the pool's spelling (`admin`), including groups the gateway does not define. Removed in 2.0. */
  groups: string[];
  /** The gateway's groups the user is in. */
  memberOf: Group[];
  mfaStatus: { enabled: boolean; method: string | null };
};

/** The gateway's groups (its schema's `enum Group`). */
export type Group = "ADMIN" | "PROVIDER" | "PATIENT";

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

/** The same proof as `FreshFactor`, under the name `changePassword` on the client itself uses. */
export type StepUp = FreshFactor;

export const stepUpVariables = (stepUp: StepUp | undefined): { declarations: string; arguments: string; variables: Record<string, string> } => {
  if (!stepUp) return { declarations: "", arguments: "", variables: {} };
  if ("code" in stepUp) return { declarations: ", $code: String!", arguments: ", code: $code", variables: { code: stepUp.code } };
  return { declarations: ", $passkey: String!", arguments: ", passkey: $passkey", variables: { passkey: stepUp.passkey } };
};
