import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { AuditLog } from "../../../audit/audit-log";
import { ErrorCode } from "../../../errors/error-codes";
import { decideAccess } from "../../../policy/access-policy";
import type { Lockout } from "../../../policy/lockout";
import type { Clock } from "../../../shared/clock";
import { sha256 } from "../../../shared/digest";
import { normalizeEmail } from "../../../shared/email";
import type { StateStore } from "../../../store/state-store";
import type { AccessStateReader } from "../../access-state";
import { accountKey, parseAccount } from "../../account-records";
import type { IdentityAdmin, IdentityProvider } from "../../identity-provider";
import { failureOf, type Factor, type FactorAccount, type FactorContext, type FactorVerdict } from "../factor";
import { assertPasskey, refuse } from "./passkey-assertion";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import { parseResponse, PasskeyRefused, type RelyingParty } from "./relying-party";

export type WebAuthnFactorDeps = {
  passkeys: PasskeyStore;
  rp: RelyingParty;
  store: Pick<StateStore, "get">;
  directory: Pick<IdentityAdmin, "getUser">;
  audit: Pick<AuditLog, "record">;
  idp: Pick<IdentityProvider, "proofAuth">;
  lockout: Pick<Lockout, "guard">;
  access: Pick<AccessStateReader, "forLogin">;
  clock: Clock;
};

/**
 * A passkey: alone (discoverable, user verification required — possession and inherence), or as the second
 * factor after the password (the WEBAUTHN alternative to SOFTWARE_TOKEN_MFA). Every assertion passes the
 * account lockout (reserve first); a refusal is audited with its reason (PASSKEY_REFUSED) and answered
 * INVALID_CREDENTIALS.
 */
export const webauthnFactor = (deps: WebAuthnFactorDeps): Factor => {
  /**
   * The credential's record and its account's email (the lockout and the login need it): from the account
   * record of the last login, or from the directory when that expired (a passkey-only user who has not signed
   * in for longer than SESSION_MAX_AGE_SECONDS). An account the access policy refuses a login (disabled) is
   * refused here, like a wrong passkey.
   */
  const owner = async (credentialId: string): Promise<{ record: PasskeyRecord; email: string }> => {
    const record = await deps.passkeys.find(credentialId);
    if (!record) throw new PasskeyRefused("UNKNOWN_CREDENTIAL");
    const known = parseAccount(await deps.store.get(accountKey(record.sub)))?.email;
    const decision = decideAccess(await deps.access.forLogin(record.sub, known, []), "login");
    if (!decision.allowed) throw decision.error.code === ErrorCode.INVALID_CREDENTIALS ? new PasskeyRefused("ACCOUNT_DISABLED") : decision.error;
    const email = known ?? (await deps.directory.getUser(record.sub).then((user) => user.email, () => undefined));
    if (email === undefined) throw new PasskeyRefused("UNKNOWN_CREDENTIAL");
    return { record, email };
  };

  /** Alone, a passkey must prove the user too (PIN, biometrics); a bare touch is only possession. */
  const alone = async (ctx: FactorContext, response: AuthenticationResponseJSON, challenge: string): Promise<FactorVerdict> => {
    const { record, email } = await owner(response.id).catch((error: unknown) => refuse(deps.audit, ctx.meta, ctx.event, error, ErrorCode.INVALID_CREDENTIALS));
    const subject = { ...ctx.event, subject: record.sub };
    if (ctx.claimedEmail !== undefined && ctx.claimedEmail !== normalizeEmail(email)) await refuse(deps.audit, ctx.meta, subject, new PasskeyRefused("OTHER_ACCOUNT"), ErrorCode.INVALID_CREDENTIALS);
    const asserted = await assertPasskey(deps, { record, email, response, challenge }, ctx.meta, subject);
    if (!asserted.userVerified) await refuse(deps.audit, ctx.meta, subject, new PasskeyRefused("USER_NOT_VERIFIED"), ErrorCode.INVALID_CREDENTIALS);
    // A UV flag today proves nothing about a key enrolled without it (its holder may have no PIN at all): such
    // a passkey stays a second factor after the password, never a sign-in by itself.
    if (!record.userVerified) await refuse(deps.audit, ctx.meta, subject, new PasskeyRefused("ENROLLED_WITHOUT_USER_VERIFICATION"), ErrorCode.INVALID_CREDENTIALS);
    const tokens = await deps.idp.proofAuth(record.sub, "passkey");
    return { outcome: "success", proves: "webauthn-uv", account: { sub: record.sub, email }, tokens, target: sha256(record.id) };
  };

  const afterPassword = async (ctx: FactorContext, account: FactorAccount, response: AuthenticationResponseJSON, challenge: string): Promise<FactorVerdict> => {
    const subject = { ...ctx.event, subject: account.sub };
    const record = await deps.passkeys.find(response.id);
    if (record?.sub !== account.sub) await refuse(deps.audit, ctx.meta, subject, new PasskeyRefused(record ? "OTHER_ACCOUNT" : "UNKNOWN_CREDENTIAL"), ErrorCode.INVALID_CREDENTIALS);
    const asserted = await assertPasskey(deps, { record: record as PasskeyRecord, email: account.email, response, challenge }, ctx.meta, subject);
    const tokens = await deps.idp.proofAuth(account.sub, "passkey");
    return { outcome: "success", proves: asserted.userVerified ? "webauthn-uv" : "webauthn", account, tokens, target: sha256(response.id) };
  };

  return {
    id: "webauthn",
    // With user verification (PIN, biometrics) a passkey proves "webauthn-uv": possession + inherence, both factors.
    assurance: "possession",
    limiter: "lockout",
    events: ["PASSKEY_REGISTER_BEGIN", "PASSKEY_REGISTER", "PASSKEY_RENAME", "PASSKEY_REMOVE", "PASSKEY_LOGIN_BEGIN", "PASSKEY_LOGIN", "PASSKEY_MFA_BEGIN", "PASSKEY_MFA", "PASSKEY_REFUSED", "ADMIN_LIST_PASSKEYS", "ADMIN_REMOVE_PASSKEY"],
    answers: "challenge",
    retryable: false,
    configuredFor: async (account) => deps.rp.enabled && (await deps.passkeys.list(account.sub)).length > 0,
    /**
     * Alone, the options never list credentials (always discoverable), so the answer has the same shape for
     * every email, known or not; after the password they list the account's passkeys.
     */
    async challenge(ctx) {
      const options = ctx.account ? await deps.rp.authenticationOptions(await deps.passkeys.list(ctx.account.sub), "preferred") : await deps.rp.authenticationOptions([], "required");
      return { options: JSON.stringify(options), challenge: options.challenge };
    },
    async verify(ctx, json) {
      if (ctx.challenge === undefined) throw new PasskeyRefused("UNKNOWN_CREDENTIAL");
      const response = parseResponse<AuthenticationResponseJSON>(json);
      const verdict = ctx.account && !ctx.alone ? afterPassword(ctx, ctx.account, response, ctx.challenge) : alone(ctx, response, ctx.challenge);
      return verdict.catch(failureOf);
    },
  };
};
