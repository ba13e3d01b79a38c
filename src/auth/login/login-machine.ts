import type { Audited } from "../../audit/audited";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { SecurityEpoch } from "../../policy/security-epoch";
import type { StateStore } from "../../store/state-store";
import { readFlags } from "../account-records";
import type { AuthOutcome, PublicChallengeName } from "../auth-outcome";
import type { ProviderAuthResult } from "../identity-provider";
import { decodeIssuedAccessToken } from "../token-claims";
import type { LoginHandles } from "./login-handles";
import { codeAttemptsPerHandle, type NewChallengeState } from "./login-stages";

export type MachineDeps = {
  store: Pick<StateStore, "get">;
  handles: Pick<LoginHandles, "create">;
  epoch: Pick<SecurityEpoch, "start" | "mark">;
  /** Other factors that may answer the MFA step (WEBAUTHN for an account with a passkey). */
  alternatives?: (sub: string) => Promise<PublicChallengeName[]>;
};

/**
 * The first arrows of the login table: from a checked password (or an invited user's first password)
 * to the MFA stage. Never tokens: those only leave through TokenRelease after a second factor.
 */
export class LoginMachine {
  constructor(private readonly deps: MachineDeps) {}

  /** Taken before the first provider call of a login; binds what follows to the account's security epoch. */
  begin(): number {
    return this.deps.epoch.start();
  }

  async afterPassword(from: "PASSWORD" | "NEW_PASSWORD_REQUIRED", answer: ProviderAuthResult, email: string, startedAt: number): Promise<Audited<AuthOutcome>> {
    const sub = answer.kind === "tokens" ? decodeIssuedAccessToken(answer.tokens.accessToken).sub : answer.username;
    const mark = await this.deps.epoch.mark(sub, startedAt);
    // A disabled account is refused here, like a wrong password (Cognito does the same), not after MFA.
    if ((await readFlags(this.deps.store, sub)).disabled) throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
    const base = { email, username: sub, mark, proven: ["password" as const] };
    let next: Extract<NewChallengeState, { stage: "MFA_SETUP" | "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" }>;
    if (answer.kind === "tokens") {
      // The provider did not ask for MFA (cognito-local, optional-MFA pools): hold its tokens until TOTP is enrolled.
      next = { ...base, stage: "MFA_SETUP", via: { kind: "held", tokens: answer.tokens } };
    } else if (answer.name === "MFA_SETUP") {
      next = { ...base, stage: "MFA_SETUP", via: { kind: "session", session: answer.session } };
    } else if (answer.name === "SOFTWARE_TOKEN_MFA") {
      next = { ...base, stage: "SOFTWARE_TOKEN_MFA", session: answer.session, attemptsLeft: codeAttemptsPerHandle };
    } else {
      next = { ...base, stage: "NEW_PASSWORD_REQUIRED", session: answer.session };
    }
    const session = await this.deps.handles.create(from, next);
    const alternatives = next.stage === "SOFTWARE_TOKEN_MFA" ? await this.deps.alternatives?.(sub) : undefined;
    return { result: { challenge: { name: next.stage, session, ...(alternatives?.length ? { alternatives } : {}) } }, audit: { subject: sub, reason: next.stage } };
  }
}
