import { AuthGatewayError, GatewayUnreachableError, type ChallengeStep, type PasswordPolicy } from "@hipaa-auth-gateway/client";
// The gateway's own estimator and dictionaries, bundled: the common-password rule ticks exactly when the gateway would accept it.
import { isGuessable } from "../src/policy/password-strength";

/** What each step is called on screen, and what it asks for. */
export const stepText: Record<ChallengeStep["name"], { title: string; hint: string }> = {
  MFA_SETUP: {
    title: "Set up your authenticator app",
    hint: "Every account uses a one-time code from an authenticator app (Google Authenticator, 1Password, Authy…).",
  },
  SOFTWARE_TOKEN_MFA: { title: "Enter your one-time code", hint: "Open your authenticator app and type the 6-digit code it shows." },
  WEBAUTHN: { title: "Use your passkey", hint: "Confirm with your security key, phone or this device's screen lock when the browser asks." },
  NEW_PASSWORD_REQUIRED: { title: "Choose your password", hint: "You signed in with a temporary password. Choose your own to continue." },
  PASSWORD_EXPIRED: { title: "Time for a new password", hint: "Your password is older than the security policy allows. Choose a new one." },
  UNSUPPORTED: { title: "This step is not available here", hint: "The gateway asked for a sign-in step this playground does not know yet." },
};

/** Rules the gateway may report that are not part of the published policy (they depend on your history). */
const extraRules: Record<string, string> = {
  history: "Not one of your recent passwords",
  differentFromCurrent: "Different from your current password",
};

export const ruleText = (id: string, policy: PasswordPolicy | null): string =>
  policy?.rules.find((r) => r.id === id)?.description ?? extraRules[id] ?? "Another password rule is not met";

/** Live hints for the published rules while typing; the gateway stays the judge (unknown rules: no hint). */
const liveChecks: Record<string, (password: string, email: string) => boolean> = {
  minLength: (p) => [...p].length >= 12,
  uppercase: (p) => /\p{Lu}/u.test(p),
  lowercase: (p) => /\p{Ll}/u.test(p),
  digit: (p) => /\d/.test(p),
  special: (p) => /[^\p{L}\p{N}\s]/u.test(p),
  notEmail: (p, email) => {
    const local = (email.split("@")[0] ?? "").toLowerCase();
    return local.length < 3 || !p.toLowerCase().includes(local);
  },
  common: (p, email) => !isGuessable(p, email),
};
export const ruleMet = (id: string, password: string, email: string): boolean | null => liveChecks[id]?.(password, email) ?? null;

/** Which input an error belongs next to; "form" when it is about the whole step. */
export type FieldName = "email" | "password" | "newPassword" | "code" | "recoveryCode" | "nickname" | "form";
export type FieldErrors = Partial<Record<FieldName, string>>;

const argumentField: Record<string, FieldName> = { email: "email", password: "password", newPassword: "newPassword", code: "code", newEmail: "email", nickname: "nickname" };

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** The browser's own passkey errors (the user closed the prompt, the authenticator already has this account…). */
const browserPasskeyError = (error: unknown): string | null => {
  if (!(error instanceof Error)) return null;
  if (error.name === "NotAllowedError" || error.name === "AbortError") return "The passkey prompt was closed or timed out. Try again when you are ready.";
  if (error.name === "InvalidStateError") return "This authenticator already holds a passkey for this account.";
  if (error.name === "SecurityError") return "The browser refused: this page's address does not match the gateway's passkey settings (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS).";
  if (/WebAuthn is not supported/i.test(error.message)) return "This browser does not support passkeys.";
  return null;
};

/** FORBIDDEN reasons of the passkey and recovery-code operations, in words. */
const forbiddenText: Record<string, string> = {
  STEP_UP_REQUIRED: "Confirm with your authenticator first: enter the 6-digit code from your app, or use a passkey. Signing in earlier does not count for this change.",
  LAST_FACTOR: "This is your last second factor: add another one before removing it.",
  PASSKEYS_DISABLED: "Passkeys are not enabled on this gateway (WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS).",
  NO_PASSKEY: "You have no passkey yet: register one first.",
};

/** What the failed step was answered with: a password (the default), a passkey, or a recovery code. */
export type Answer = "password" | "passkey" | "recoveryCode";

/** A gateway error as friendly text, attached to the field it is about. */
export const errorsFor = (error: unknown, policy: PasswordPolicy | null, passwordField: "password" | "newPassword" = "password", answer: Answer = "password"): FieldErrors => {
  if (error instanceof GatewayUnreachableError) return { form: "The gateway cannot be reached. Is it still running?" };
  const browser = browserPasskeyError(error);
  if (browser) return { form: browser };
  if (answer === "passkey" && error instanceof AuthGatewayError && error.code === "INVALID_CREDENTIALS")
    return { form: "That passkey was not accepted: it may have been removed from your account, or it did not verify you (PIN, fingerprint)." };
  if (answer === "recoveryCode" && error instanceof AuthGatewayError && error.code === "BAD_USER_INPUT") return { recoveryCode: "Recovery codes look like abcde-fghij: ten letters and digits." };
  if (answer === "recoveryCode" && error instanceof AuthGatewayError && error.code === "CODE_MISMATCH") return { recoveryCode: "That recovery code is not right or was already used." };
  if (!(error instanceof AuthGatewayError)) return { form: "Something went wrong. Try again." };
  switch (error.code) {
    case "PASSWORD_POLICY_VIOLATION":
      return { [passwordField]: `Not yet: ${(error.details.rules ?? []).map((id) => ruleText(id, policy).toLowerCase()).join("; ")}.` };
    case "BAD_USER_INPUT": {
      const out: FieldErrors = {};
      for (const problem of error.details.fields ?? []) {
        const name = argumentField[problem.field.split(".").pop() ?? ""] ?? "form";
        out[name === "password" ? passwordField : name] =
          name === "email" ? "Enter a valid email address." : name === "code" ? "Enter the 6-digit code." : name === "nickname" ? "Give it a name of 1 to 64 characters." : "Check this field.";
      }
      return Object.keys(out).length ? out : { form: "Check the highlighted fields." };
    }
    case "INVALID_CREDENTIALS":
      return { password: "The email or password is incorrect." };
    case "CODE_MISMATCH":
      return { code: "That code is not right. Check it and try again." };
    case "CODE_EXPIRED":
      return { code: "That code has expired. Ask for a new one." };
    case "USER_NOT_CONFIRMED":
      return { form: "Confirm your email address first: enter the code we sent you." };
    case "SESSION_EXPIRED":
      return { form: "This step has timed out. Start again to sign in." };
    case "ACCOUNT_LOCKED":
      return { form: `Too many failed attempts. Try again in ${minutes(error.details.retryAfterSeconds ?? 900)} minutes, or ask an administrator.` };
    case "TOO_MANY_REQUESTS":
      return { form: "Too many attempts in a short time. Wait a minute and try again." };
    case "FORBIDDEN":
      return { form: forbiddenText[error.details.reason ?? ""] ?? error.message };
    case "NOT_FOUND":
      return { form: "It is no longer there: reload the list." };
    case "SERVICE_UNAVAILABLE":
      return { form: "The service is temporarily unavailable. Try again shortly." };
    default:
      return { form: error.message };
  }
};

/** "in 4 min 05 s" style countdowns for the session card. */
export const countdown = (ms: number): string => {
  if (ms <= 0) return "now";
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = String(total % 60).padStart(2, "0");
  return m > 0 ? `${m} min ${s} s` : `${total % 60} s`;
};

/** Group names as people say them. */
export const groupLabel = (group: string): string => ({ admin: "Administrator", provider: "Care provider", patient: "Patient" })[group] ?? group;
