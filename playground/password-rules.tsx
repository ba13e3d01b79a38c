import type { PasswordPolicy } from "@hipaa-auth-gateway/client";
import { ruleMet } from "./friendly";

/** The policy's rules, shown before the user types, each ticked as it is met (the gateway still decides). */
export const PasswordRules = ({ policy, password, email }: { policy: PasswordPolicy | null; password: string; email: string }) => {
  if (!policy) return null;
  return (
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
  );
};
