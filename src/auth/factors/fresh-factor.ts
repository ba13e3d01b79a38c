import type { RequestMeta } from "../../audit/audit-event";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { Caller } from "../identity";
import type { EnrolledTotp } from "./enrolled-totp";
import type { TotpCodeCheck } from "./totp";
import type { PasskeyStepUp } from "./webauthn/passkey-step-up";

/** The second factor a sensitive change proves in its own request: a TOTP code, or the answer to beginPasskeyStepUp. */
export type FreshFactor = { code: string } | { passkey: string };

/** FORBIDDEN, reason STEP_UP_REQUIRED: the request carried no fresh factor (nothing proven earlier counts). */
export const stepUpRequired = (): GatewayError =>
  new GatewayError(ErrorCode.FORBIDDEN, { reason: "STEP_UP_REQUIRED" }, "Confirm with your authenticator: send a fresh `code`, or a `passkey` answering beginPasskeyStepUp.");

/** From a mutation's optional `code` / `passkey` arguments: none = undefined (the service refuses it), both = BAD_USER_INPUT. */
export const freshFactorOf = (code: string | undefined | null, passkey: string | undefined | null): FreshFactor | undefined => {
  const hasCode = code !== undefined && code !== null;
  const hasPasskey = passkey !== undefined && passkey !== null;
  if (hasCode && hasPasskey) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { reason: "ONE_SECOND_FACTOR" }, "Send either a code or a passkey answer.");
  if (hasCode) return { code };
  if (hasPasskey) return { passkey };
  return undefined;
};

export type FreshFactorDeps = {
  totp: Pick<TotpCodeCheck, "standalone">;
  passkeys: Pick<PasskeyStepUp, "verify">;
  enrolledTotp: Pick<EnrolledTotp, "check">;
};

/** FORBIDDEN, reason TOTP_REENROLMENT_REQUIRED: no copy of the enrolled secret to check a code against (an authenticator set up before the gateway kept one). */
const reenrolmentRequired = (): GatewayError =>
  new GatewayError(ErrorCode.FORBIDDEN, { reason: "TOTP_REENROLMENT_REQUIRED" }, "Set up your authenticator again (resetMfa), or confirm with a passkey.");

/**
 * The one step-up check. Every change of a sign-in method or of the recovery channel (and emergency access)
 * calls it with the factor sent in that same request: a stolen access token alone changes nothing, however
 * recently its session proved a factor. Both ways pass the account lockout, reserve first: a TOTP code this
 * account already used is refused before the provider checks it; a passkey answers this session's
 * single-use challenge and must be the caller's own. A code is checked against the secret the account enrolled
 * through the gateway, never through the provider's VerifySoftwareToken (which accepts a secret the token's
 * holder had the provider associate a moment ago).
 */
export class FreshFactorCheck {
  constructor(private readonly deps: FreshFactorDeps) {}

  async prove(caller: Pick<Caller, "identity">, factor: FreshFactor | undefined, meta: RequestMeta): Promise<void> {
    if (factor === undefined) throw stepUpRequired();
    if ("passkey" in factor) return this.deps.passkeys.verify(caller.identity, factor.passkey, meta);
    const { code } = factor;
    await this.deps.totp.standalone({ sub: caller.identity.sub, email: caller.identity.account.email }, code, meta, async () => {
      const result = await this.deps.enrolledTotp.check(caller.identity.sub, code);
      if (result === "none") throw reenrolmentRequired();
      if (result !== "match") throw new GatewayError(ErrorCode.CODE_MISMATCH);
    });
  }
}
