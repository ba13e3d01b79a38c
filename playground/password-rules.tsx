import type { PasswordPolicy } from "@hipaa-auth-gateway/client";
import { ruleMet } from "./friendly";
import { Field } from "./ui";

/** The policy's rules, shown before the user types, each ticked as it is met (the gateway still decides). */
export const PasswordRules = ({ policy, password, email }: { policy: PasswordPolicy | null; password: string; email: string }) => {
  if (!policy) return null;
  return (
    <>
      <ul className="pg-rules" data-testid="password-rules" aria-label="Password requirements">
        {policy.rules.map((rule) => {
          const met = password ? ruleMet(rule.id, password, email) : null;
          return (
            <li key={rule.id} className={met === true ? "pg-rules__met" : met === false ? "pg-rules__unmet" : ""}>
              {rule.description}
            </li>
          );
        })}
      </ul>
      {/* Breach lists and your password history never reach the browser: say so, or a green list reads as a promise. */}
      <p className="pg-rules__on-submit" data-testid="rules-on-submit">
        Checked by the gateway when you submit: these rules again, known data breaches (where the gateway is set up for it) and your recent passwords.
      </p>
    </>
  );
};

type NewPasswordFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  error: string | undefined;
  policy: PasswordPolicy | null;
  email: string;
};

/** A field for a password being chosen, with the rules under it. */
export const NewPasswordField = ({ label, value, onChange, testId, error, policy, email }: NewPasswordFieldProps) => (
  <Field
    label={label}
    type="password"
    value={value}
    onChange={onChange}
    testId={testId}
    autoComplete="new-password"
    error={error}
    hint={<PasswordRules policy={policy} password={value} email={email} />}
  />
);
