import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { audited } from "../../../audit/audited";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import type { Lockout } from "../../../policy/lockout";
import type { Clock } from "../../../shared/clock";
import { sha256 } from "../../../shared/digest";
import type { StateStore } from "../../../store/state-store";
import type { Identity } from "../../identity";
import { assertPasskey, refuse } from "./passkey-assertion";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import { parseResponse, PasskeyRefused, type RelyingParty } from "./relying-party";

/** One pending step-up challenge per session: a new begin replaces it, an answer takes it (single use). */
const stepUpKey = (sessionId: string) => `webauthn-step-up:${sha256(sessionId)}`;

export type PasskeyStepUpDeps = {
  passkeys: PasskeyStore;
  rp: RelyingParty;
  store: Pick<StateStore, "set" | "take">;
  audit: Pick<AuditLog, "record">;
  lockout: Pick<Lockout, "guard">;
  clock: Clock;
  challengeTtlSeconds: number;
};

/**
 * A fresh passkey assertion inside a signed-in session, where an action needs a second factor proven right
 * now (emergency access) instead of the TOTP code. The challenge is bound to the session and single use;
 * the credential must be the caller's own; every answer passes the account lockout like a login's.
 */
export class PasskeyStepUp {
  constructor(private readonly deps: PasskeyStepUpDeps) {}

  /** Request options listing the caller's passkeys; FORBIDDEN (reason NO_PASSKEY) for a user without one. */
  begin(identity: Identity, meta: RequestMeta): Promise<string> {
    const event: AuditEvent = { event: "PASSKEY_MFA_BEGIN", outcome: "SUCCESS", reason: "STEP_UP", subject: identity.sub, sessionId: identity.sessionId };
    return audited(this.deps.audit, meta, event, async () => {
      const mine = await this.deps.passkeys.list(identity.sub);
      if (mine.length === 0) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "NO_PASSKEY" }, "Register a passkey first, or use your authenticator code.");
      const options = await this.deps.rp.authenticationOptions(mine, "preferred");
      await this.deps.store.set(stepUpKey(identity.sessionId), options.challenge, this.deps.challengeTtlSeconds);
      return { result: JSON.stringify(options) };
    });
  }

  /**
   * Verifies the answer to this session's pending challenge. SESSION_EXPIRED without one (never begun,
   * expired, or already used); INVALID_CREDENTIALS for any refused answer, its reason audited as PASSKEY_REFUSED.
   */
  async verify(identity: Identity, json: string, meta: RequestMeta): Promise<void> {
    const challenge = await this.deps.store.take(stepUpKey(identity.sessionId));
    if (challenge === undefined) throw new GatewayError(ErrorCode.SESSION_EXPIRED);
    const event: AuditEvent = { event: "PASSKEY_MFA", outcome: "FAILURE", reason: "STEP_UP", subject: identity.sub, sessionId: identity.sessionId };
    const response = parseResponse<AuthenticationResponseJSON>(json);
    const record = await this.deps.passkeys.find(response.id);
    if (record?.sub !== identity.sub) await refuse(this.deps.audit, meta, event, new PasskeyRefused(record ? "OTHER_ACCOUNT" : "UNKNOWN_CREDENTIAL"), ErrorCode.INVALID_CREDENTIALS);
    await assertPasskey(this.deps, { record: record as PasskeyRecord, email: identity.account.email, response, challenge }, meta, event);
  }
}
