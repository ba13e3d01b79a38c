import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { AuditEvent, RequestMeta } from "../../../audit/audit-event";
import type { AuditLog } from "../../../audit/audit-log";
import { audited, type Audited } from "../../../audit/audited";
import { ErrorCode, GatewayError } from "../../../errors/error-codes";
import type { Lockout } from "../../../policy/lockout";
import type { SecurityEpoch } from "../../../policy/security-epoch";
import type { Clock } from "../../../shared/clock";
import { randomHandle, sha256 } from "../../../shared/digest";
import type { StateStore } from "../../../store/state-store";
import { accountKey, flagsKey, parseAccount, parseFlags } from "../../account-records";
import type { AuthOutcome } from "../../auth-outcome";
import type { IdentityAdmin, IdentityProvider } from "../../identity-provider";
import type { LoginHandles } from "../../login/login-handles";
import type { TokenRelease } from "../../login/token-release";
import type { FactorSpec } from "../factor";
import { assertPasskey } from "./passkey-assertion";
import { refuse } from "./passkey-enrolment";
import type { PasskeyRecord, PasskeyStore } from "./passkey-store";
import { parseResponse, PasskeyRefused, type RelyingParty } from "./relying-party";
import { normalizeEmail } from "../../../shared/email";
import { z } from "zod";
import { absentable, parseStoredRecord, recordSchema } from "../../../shared/stored-record";

export const webauthnFactor: FactorSpec = {
  id: "webauthn",
  // With user verification (PIN, biometrics) a passkey is also "webauthn-uv": possession + inherence, both factors.
  assurance: "possession",
  // Its handle stage; it also adds the entry PASSKEY to the login table (sign-in without a password).
  stages: ["WEBAUTHN"],
  limiter: "lockout",
  events: ["PASSKEY_REGISTER_BEGIN", "PASSKEY_REGISTER", "PASSKEY_RENAME", "PASSKEY_REMOVE", "PASSKEY_LOGIN_BEGIN", "PASSKEY_LOGIN", "PASSKEY_MFA_BEGIN", "PASSKEY_MFA", "PASSKEY_REFUSED", "ADMIN_LIST_PASSKEYS", "ADMIN_REMOVE_PASSKEY"],
};

const loginKey = (handle: string) => `webauthn-login:${sha256(handle)}`;

type PendingLogin = { challenge: string; email: string | undefined; startedAt: number };
const pendingLogin = recordSchema<PendingLogin>()(z.object({ challenge: z.string(), email: absentable(z.string()), startedAt: z.number() }));

export type PasskeyLoginDeps = {
  passkeys: PasskeyStore;
  rp: RelyingParty;
  store: Pick<StateStore, "get" | "getMany" | "set" | "take">;
  directory: Pick<IdentityAdmin, "getUser">;
  audit: Pick<AuditLog, "record">;
  idp: Pick<IdentityProvider, "proofAuth">;
  handles: Pick<LoginHandles, "create" | "take">;
  release: Pick<TokenRelease, "release">;
  lockout: Pick<Lockout, "guard">;
  epoch: Pick<SecurityEpoch, "start" | "mark">;
  clock: Clock;
  challengeTtlSeconds: number;
};

/**
 * Signing in with a passkey: alone (discoverable, user verification required — possession and inherence),
 * or as the second factor after the password (the WEBAUTHN alternative to SOFTWARE_TOKEN_MFA). Every
 * assertion passes the account lockout (reserve first), and tokens leave only through TokenRelease.
 */
export class PasskeyLogin {
  constructor(private readonly deps: PasskeyLoginDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>): Promise<T> {
    return audited(this.deps.audit, meta, event, operation);
  }

  /**
   * Request options and a single-use handle. The options never list credentials (always discoverable), so
   * the answer has the same shape for every email, known or not; the email only names the account the
   * passkey must belong to and whose lockout counts the attempt.
   */
  begin(email: string | undefined, meta: RequestMeta): Promise<{ options: string; session: string }> {
    return this.run(meta, { event: "PASSKEY_LOGIN_BEGIN", outcome: "SUCCESS" }, async () => {
      const options = await this.deps.rp.authenticationOptions([], "required");
      const session = randomHandle();
      const pending: PendingLogin = { challenge: options.challenge, email: email === undefined ? undefined : normalizeEmail(email), startedAt: this.deps.epoch.start() };
      await this.deps.store.set(loginKey(session), JSON.stringify(pending), this.deps.challengeTtlSeconds);
      return { result: { options: JSON.stringify(options), session } };
    });
  }

  complete(session: string, json: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "PASSKEY_LOGIN", outcome: "SUCCESS" };
    return this.run(meta, event, async () => {
      // A corrupt pending login is refused like an unknown session.
      const pending = parseStoredRecord(pendingLogin, await this.deps.store.take(loginKey(session)));
      if (pending === undefined) throw new GatewayError(ErrorCode.SESSION_EXPIRED);
      const response = parseResponse<AuthenticationResponseJSON>(json);
      const { record, email } = await this.owner(response.id).catch((error: unknown) => refuse(this.deps.audit, meta, event, error, ErrorCode.INVALID_CREDENTIALS));
      const subject = { ...event, subject: record.sub };
      if (pending.email !== undefined && pending.email !== normalizeEmail(email)) await refuse(this.deps.audit, meta, subject, new PasskeyRefused("OTHER_ACCOUNT"), ErrorCode.INVALID_CREDENTIALS);
      const asserted = await assertPasskey(this.deps, { record, email, response, challenge: pending.challenge }, meta, subject);
      // Alone, a passkey must prove the user too (PIN, biometrics); a bare touch is only possession.
      if (!asserted.userVerified) await refuse(this.deps.audit, meta, subject, new PasskeyRefused("USER_NOT_VERIFIED"), ErrorCode.INVALID_CREDENTIALS);
      // A UV flag today proves nothing about a key enrolled without it (its holder may have no PIN at all): such
      // a passkey stays a second factor after the password, never a sign-in by itself.
      if (!record.userVerified) await refuse(this.deps.audit, meta, subject, new PasskeyRefused("ENROLLED_WITHOUT_USER_VERIFICATION"), ErrorCode.INVALID_CREDENTIALS);
      const mark = await this.deps.epoch.mark(record.sub, pending.startedAt);
      const tokens = await this.deps.idp.proofAuth(record.sub, "passkey");
      const released = await this.deps.release.release(tokens, { from: "PASSKEY", email, mark, proven: ["webauthn-uv"] }, meta);
      return { ...released, audit: { ...released.audit, target: sha256(record.id) } };
    });
  }

  /** After the password: the SOFTWARE_TOKEN_MFA handle becomes a WEBAUTHN one with the challenge to sign. */
  beginSecondFactor(handle: string, meta: RequestMeta): Promise<{ options: string; session: string }> {
    return this.run(meta, { event: "PASSKEY_MFA_BEGIN", outcome: "SUCCESS" }, async () => {
      const { stage: _stage, expiresAt: _expires, session: _session, attemptsLeft: _attempts, ...state } = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      const options = await this.deps.rp.authenticationOptions(await this.deps.passkeys.list(state.username), "preferred");
      const session = await this.deps.handles.create("SOFTWARE_TOKEN_MFA", { ...state, stage: "WEBAUTHN", challenge: options.challenge });
      return { result: { options: JSON.stringify(options), session }, audit: { subject: state.username } };
    });
  }

  respondSecondFactor(handle: string, json: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "PASSKEY_MFA", outcome: "SUCCESS" };
    return this.run(meta, event, async () => {
      const state = await this.deps.handles.take(handle, "WEBAUTHN");
      const subject = { ...event, subject: state.username };
      const response = parseResponse<AuthenticationResponseJSON>(json);
      const record = await this.deps.passkeys.find(response.id);
      if (record?.sub !== state.username) await refuse(this.deps.audit, meta, subject, new PasskeyRefused(record ? "OTHER_ACCOUNT" : "UNKNOWN_CREDENTIAL"), ErrorCode.INVALID_CREDENTIALS);
      const asserted = await assertPasskey(this.deps, { record: record as PasskeyRecord, email: state.email, response, challenge: state.challenge }, meta, subject);
      const tokens = await this.deps.idp.proofAuth(state.username, "passkey");
      const factor = asserted.userVerified ? "webauthn-uv" : "webauthn";
      const released = await this.deps.release.release(tokens, { from: "WEBAUTHN", email: state.email, mark: state.mark, proven: [...state.proven, factor] }, meta);
      return { ...released, audit: { ...released.audit, target: sha256(response.id) } };
    });
  }

  /**
   * The credential's record and its account's email (the lockout and the login need it): from the account
   * record of the last login, or from the directory when that expired (a passkey-only user who has not signed
   * in for longer than SESSION_MAX_AGE_SECONDS). A disabled account is refused here, like a wrong passkey.
   */
  private async owner(credentialId: string): Promise<{ record: PasskeyRecord; email: string }> {
    const record = await this.deps.passkeys.find(credentialId);
    if (!record) throw new PasskeyRefused("UNKNOWN_CREDENTIAL");
    const [account, flags] = await this.deps.store.getMany([accountKey(record.sub), flagsKey(record.sub)]);
    if (parseFlags(flags).disabled) throw new PasskeyRefused("ACCOUNT_DISABLED");
    const email = parseAccount(account)?.email ?? (await this.deps.directory.getUser(record.sub).then((user) => user.email, () => undefined));
    if (email === undefined) throw new PasskeyRefused("UNKNOWN_CREDENTIAL");
    return { record, email };
  }
}
