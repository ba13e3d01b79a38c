import type { RequestMeta } from "../../audit/audit-event";
import type { Lockout } from "../../policy/lockout";
import type { StateStore } from "../../store/state-store";
import type { LoginHandles } from "../login/login-handles";
import type { StateOf } from "../login/login-stages";
import type { FactorSpec } from "./factor";
import { claimTotpCode } from "./totp-codes";
import { normalizeEmail } from "../../shared/email";

export const totpFactor: FactorSpec = {
  id: "totp",
  assurance: "possession",
  stages: ["MFA_SETUP", "MFA_SETUP_VERIFY", "SOFTWARE_TOKEN_MFA"],
  limiter: "lockout",
  events: ["MFA_SETUP_BEGIN", "MFA_SETUP_COMPLETE", "MFA_CHALLENGE", "MFA_RESET_BEGIN"],
};

type Deps = { store: Pick<StateStore, "setIfAbsent">; lockout: Pick<Lockout, "guard">; handles: Pick<LoginHandles, "retryOnWrongCode"> };

/**
 * Every TOTP code check goes through here: a lockout slot is reserved first (exact under concurrency),
 * a code this account already used is refused like a wrong one (cognito-local accepts replays), and a
 * wrong or replayed code gives the handle back, one attempt fewer, so the next right code still works.
 */
export class TotpCodeCheck {
  constructor(private readonly deps: Deps) {}

  /** A code answering a login handle. */
  forHandle<T>(handle: string, state: StateOf<"MFA_SETUP_VERIFY" | "SOFTWARE_TOKEN_MFA">, code: string, meta: RequestMeta, verify: () => Promise<T>): Promise<T> {
    return this.deps.lockout.guard(state.email, meta, () => this.deps.handles.retryOnWrongCode(handle, state, () => this.claimThen(state.email, code, verify)));
  }

  /** A code proving possession outside a handle (step-up of a signed-in user). */
  standalone<T>(email: string, code: string, meta: RequestMeta, verify: () => Promise<T>): Promise<T> {
    return this.deps.lockout.guard(email, meta, () => this.claimThen(email, code, verify));
  }

  private async claimThen<T>(email: string, code: string, verify: () => Promise<T>): Promise<T> {
    await claimTotpCode(this.deps.store, normalizeEmail(email), code);
    return verify();
  }
}
