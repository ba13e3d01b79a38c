import { AuthGatewayError, GatewayUnreachableError, type ChallengeStep, type PasswordPolicy } from "@hipaa-auth-gateway/client";

/** What each step is called on screen, and what it asks for. */
export const stepText: Record<ChallengeStep["name"], { title: string; hint: string }> = {
  MFA_SETUP: {
    title: "Set up your authenticator app",
    hint: "Every account uses a one-time code from an authenticator app (Google Authenticator, 1Password, Authy…).",
  },
  SOFTWARE_TOKEN_MFA: { title: "Enter your one-time code", hint: "Open your authenticator app and type the 6-digit code it shows." },
  WEBAUTHN: { title: "Use your passkey", hint: "Confirm with your security key, phone or this device's screen lock (Passkeys page)." },
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

/** Live hints for the rules we can check while typing; the gateway stays the judge (unknown rules: no hint). */
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
};
export const ruleMet = (id: string, password: string, email: string): boolean | null => liveChecks[id]?.(password, email) ?? null;

/** Which input an error belongs next to; "form" when it is about the whole step. */
export type FieldName = "email" | "password" | "newPassword" | "code" | "form";
export type FieldErrors = Partial<Record<FieldName, string>>;

const argumentField: Record<string, FieldName> = { email: "email", password: "password", newPassword: "newPassword", code: "code", newEmail: "email" };

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** A gateway error as friendly text, attached to the field it is about. */
export const errorsFor = (error: unknown, policy: PasswordPolicy | null, passwordField: "password" | "newPassword" = "password"): FieldErrors => {
  if (error instanceof GatewayUnreachableError) return { form: "The gateway cannot be reached. Is it still running?" };
  if (!(error instanceof AuthGatewayError)) return { form: "Something went wrong. Try again." };
  switch (error.code) {
    case "PASSWORD_POLICY_VIOLATION":
      return { [passwordField]: `Not yet: ${(error.details.rules ?? []).map((id) => ruleText(id, policy).toLowerCase()).join("; ")}.` };
    case "BAD_USER_INPUT": {
      const out: FieldErrors = {};
      for (const problem of error.details.fields ?? []) {
        const name = argumentField[problem.field.split(".").pop() ?? ""] ?? "form";
        out[name === "password" ? passwordField : name] = name === "email" ? "Enter a valid email address." : name === "code" ? "Enter the 6-digit code." : "Check this field.";
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
