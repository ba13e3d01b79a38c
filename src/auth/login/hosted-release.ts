import type { RequestMeta } from "../../audit/audit-event";
import type { Audited } from "../../audit/audited";
import type { AuthOutcome } from "../auth-outcome";
import type { ProviderTokens } from "../identity-provider";
import type { LoginMachine } from "./login-machine";

export type HostedCompletion = {
  /** Before anything else is checked: the access policy's answer for an account about to sign in. */
  admit(sub: string): Promise<void>;
  complete(tokens: ProviderTokens, email: string, meta: RequestMeta): Promise<Audited<AuthOutcome> & { sessionId: string; sub: string }>;
};

/**
 * Hosted login (OAuth 2.0 code flow): Cognito's own pages checked the password and the MFA code, so the
 * login enters the table at HOSTED and goes straight to the machine's release — which still re-checks the
 * security epoch and the access policy (disabled, locked), and that TOTP is enabled. An expired password
 * cannot be changed on Cognito's pages (the table has no PASSWORD_EXPIRED after HOSTED): the session opens,
 * and the access policy refuses it (PASSWORD_EXPIRED) until the password is changed through the GraphQL login.
 */
export const hostedCompletion = (machine: Pick<LoginMachine, "admit" | "hosted">): HostedCompletion => ({
  admit: (sub) => machine.admit(sub, undefined),
  complete: (tokens, email, meta) => machine.hosted(tokens, email, meta),
});
