import { ErrorCode, GatewayError } from "../errors/error-codes";
import { isGuessable } from "./password-strength";

/** One rule of the password policy; `id` is what PASSWORD_POLICY_VIOLATION lists in `extensions.rules`. */
export type PasswordRule = { id: string; description: string; satisfiedBy(password: string, context: { email: string }): boolean };

export const minimumPasswordLength = 12;

const emailLocalPart = (email: string): string => (email.split("@")[0] ?? "").toLowerCase();

/** The HIPAA pool's policy, checked by the gateway before any Cognito call (cognito-local enforces none). */
export const passwordRules: readonly PasswordRule[] = [
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- counts code points on purpose: an emoji is one character, not two UTF-16 units.
  { id: "minLength", description: `At least ${minimumPasswordLength} characters`, satisfiedBy: (p) => [...p].length >= minimumPasswordLength },
  { id: "uppercase", description: "An upper-case letter", satisfiedBy: (p) => /\p{Lu}/u.test(p) },
  { id: "lowercase", description: "A lower-case letter", satisfiedBy: (p) => /\p{Ll}/u.test(p) },
  { id: "digit", description: "A digit", satisfiedBy: (p) => /\d/.test(p) },
  { id: "special", description: "A special character (not a letter, digit or space)", satisfiedBy: (p) => /[^\p{L}\p{N}\s]/u.test(p) },
  {
    id: "notEmail",
    description: "Does not contain the part of the email address before the @",
    // Very short local parts ("a@…") would forbid too much; they are not a meaningful guess either.
    satisfiedBy: (p, { email }) => {
      const local = emailLocalPart(email);
      return local.length < 3 || !p.toLowerCase().includes(local);
    },
  },
  { id: "common", description: "Not a common or easily guessed password", satisfiedBy: (p, { email }) => !isGuessable(p, email) },
];

/** Every unmet rule, so a client can show them all at once. Never includes the password. */
export const unmetPasswordRules = (password: string, email: string): string[] =>
  passwordRules.filter((rule) => !rule.satisfiedBy(password, { email })).map((rule) => rule.id);

export const assertPasswordPolicy = (password: string, email: string): void => {
  const rules = unmetPasswordRules(password, email);
  if (rules.length > 0) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules });
};
