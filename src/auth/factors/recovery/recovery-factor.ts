import type { Lockout } from "../../../policy/lockout";
import type { SecurityEpoch } from "../../../policy/security-epoch";
import type { Clock } from "../../../shared/clock";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import { internalError } from "../../auth-outcome";
import type { IdentityProvider } from "../../identity-provider";
import type { SessionRegistry } from "../../session-registry";
import { signOutEverywhere } from "../../sign-out-everywhere";
import { failureOf, type Factor } from "../factor";
import type { PasskeyStore } from "../webauthn/passkey-store";
import type { SecurityNotifier } from "./notifier";
import type { RecoveryCodes } from "./recovery-codes";

export type RecoveryFactorDeps = {
  codes: Pick<RecoveryCodes, "consume" | "left">;
  passkeys: Pick<PasskeyStore, "removeAll">;
  /** False without CUSTOM_AUTH_PRIVATE_KEY (AWS mode without passkeys): a code could never be turned into tokens. */
  enabled: boolean;
  idp: Pick<IdentityProvider, "proofAuth">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "bump">;
  sessions: Pick<SessionRegistry, "endAll">;
  notifier: SecurityNotifier;
  clock: Clock;
};

export const recoveryCodesDisabled = (): GatewayError =>
  new GatewayError(ErrorCode.FORBIDDEN, { reason: "RECOVERY_CODES_DISABLED" }, "Recovery codes are not enabled on this gateway.");

/**
 * A recovery code: the way back after a lost phone, without an administrator. It replaces the second factor
 * once and proves neither possession nor inherence: the machine continues the login to a new authenticator's
 * set-up, never to tokens. Whoever has the lost phone may be signed in or hold a passkey on it, so a
 * verified code ends every other session and pending login of the account, revokes its passkeys, and the
 * owner is notified.
 */
export const recoveryCodeFactor = (deps: RecoveryFactorDeps): Factor => ({
  id: "recovery-code",
  assurance: "possession",
  limiter: "lockout",
  events: ["RECOVERY_CODES_GENERATE", "RECOVERY_CODE_LOGIN"],
  answers: "code",
  retryable: false,
  configuredFor: async (account) => (await deps.codes.left(account.sub)) > 0,
  challenge: () => Promise.resolve({ options: "", challenge: "" }),
  assertAvailable() {
    if (!deps.enabled) throw recoveryCodesDisabled();
  },
  async verify(ctx, code) {
    const { account } = ctx;
    if (!account) throw internalError("a recovery code answers the MFA step of a known login");
    const { sub, email } = account;
    const giveBack = await deps.lockout.guard(email, ctx.meta, () => deps.codes.consume(sub, code)).catch(failureOf);
    if ("outcome" in giveBack) return giveBack;
    // Tokens first: a provider outage leaves the code, the passkeys and the sessions as they were.
    const tokens = await deps.idp.proofAuth(sub, "recovery-code").catch(async (error: unknown) => {
      await giveBack();
      throw error;
    });
    const revoked = await deps.passkeys.removeAll(sub);
    const ended = await signOutEverywhere(deps, sub);
    const codesLeft = await deps.codes.left(sub);
    await deps.notifier.recoveryCodeUsed({ email, sub, codesLeft, at: new Date(deps.clock.now()) }, ctx.meta);
    return { outcome: "success", proves: "recovery-code", account, tokens, note: `SESSIONS_ENDED:${ended};PASSKEYS_REVOKED:${revoked};CODES_LEFT:${codesLeft}` };
  },
});
