import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import { ownerNotice, reasons, type Audited } from "../../audit/audited";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { decideAccess } from "../../policy/access-policy";
import type { Lockout } from "../../policy/lockout";
import type { EpochMark, SecurityEpoch } from "../../policy/security-epoch";
import { normalizeEmail } from "../../shared/email";
import type { AccessStateReader } from "../access-state";
import { internalError, tokensOf, type AuthOutcome, type MfaEnrolment, type PublicChallengeName } from "../auth-outcome";
import { findFactor, type Factor, type FactorAccount, type FactorContext, type FactorId, type FactorSetUp, type FactorVerdict } from "../factors/factor";
import type { Identity } from "../identity";
import type { IdentityProvider, ProviderAuthResult, ProviderTokens } from "../identity-provider";
import type { Clock } from "../../shared/clock";
import type { SessionRegistry } from "../session-registry";
import { signOutEverywhere } from "../sign-out-everywhere";
import { decodeIssuedAccessToken } from "../token-claims";
import type { LoginHandles } from "./login-handles";
import { bothFactorsProven, canMove, codeAttemptsPerHandle, type EnrolmentVia, type LoginStep, type NewChallengeState, type ProvenFactor } from "./login-stages";
import type { PasswordActions } from "./required-actions";
import type { Released, TokenRelease } from "./token-release";

export type MachineDeps = {
  idp: Pick<IdentityProvider, "passwordAuth" | "answerMfaSetup">;
  lockout: Pick<Lockout, "guard">;
  handles: Pick<LoginHandles, "create" | "open" | "take" | "giveBack">;
  epoch: Pick<SecurityEpoch, "start" | "mark" | "assertCurrent" | "bump">;
  access: Pick<AccessStateReader, "forLogin">;
  sessions: Pick<SessionRegistry, "endAll">;
  /** Every second factor, listed once (factors/factors.ts). */
  factors: readonly Factor[];
  passwords: Pick<PasswordActions, "setFirst" | "replaceExpired">;
  release: Pick<TokenRelease, "open">;
  /** The passkeys a replaced authenticator takes with it: one may be the thief's, and it signs in alone. */
  passkeys: { removeAll(sub: string): Promise<number> };
  /**
   * The owner hears of every authenticator set up (one set up with a stolen session replaces theirs); the
   * owner-notice channel as far as the login needs it (factors/recovery/notifier.ts is the whole of it).
   */
  notifier: { accountChanged(notice: { email: string; sub: string; change: "AUTHENTICATOR_SET_UP"; at: Date }, meta: RequestMeta): void | Promise<void> };
  clock: Clock;
};

/** What a login carries from step to step, in its handle. */
type Login = { email: string; username: string; mark: EpochMark; proven: ProvenFactor[] };
type Pending = Login & { via: EnrolmentVia; purpose: "enrol" | "reset" };

/** Hosted login: Cognito's own pages asked for the password and the TOTP code (and OAuthLogin checks TOTP is on). */
const hostedProof: ProvenFactor[] = ["password", "totp"];
/** Where a factor is answered: a code answers the MFA step itself; a factor with its own challenge gets its own stage. */
const answeredAt = (factor: Factor) => (factor.answers === "code" ? "SOFTWARE_TOKEN_MFA" : "WEBAUTHN");
const credentialOf = (via: EnrolmentVia) => (via.kind === "held" ? { accessToken: via.tokens.accessToken } : { session: via.session });
const accountOf = (login: Pick<Login, "username" | "email">): FactorAccount => ({ sub: login.username, email: login.email });

/**
 * The login, every step of it, decided here (Keycloak's authentication flow). Only this class takes and creates
 * challenge handles; it asks a factor (factors/factor.ts) for a challenge and a verdict, records what was proven,
 * asks the access policy, picks the next stage from the table (login-stages.ts), runs the required actions
 * (required-actions.ts) and hands the tokens to the session opening (token-release.ts). The entry points
 * (AuthService, MfaEnrolment, passkey and recovery entries, hosted login) only audit and call in.
 */
export class LoginMachine {
  constructor(private readonly deps: MachineDeps) {}

  /** PASSWORD: the password, through the account lockout; the epoch is taken before the first provider call. */
  async password(email: string, password: string, meta: RequestMeta): Promise<Audited<AuthOutcome>> {
    const startedAt = this.deps.epoch.start();
    // What follows a right password runs while its lockout slot is given back (one round trip for both).
    return this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, password), (answer) => this.afterPassword("PASSWORD", answer, email, startedAt));
  }

  /** NEW_PASSWORD_REQUIRED (required action NEW_PASSWORD): the invited user's first password, then the factors. */
  async newPassword(handle: string, newPassword: string): Promise<Audited<AuthOutcome>> {
    const state = await this.deps.handles.take(handle, "NEW_PASSWORD_REQUIRED");
    const answer = await this.deps.passwords.setFirst({ sub: state.username, email: state.email, session: state.session }, newPassword);
    return this.afterPassword("NEW_PASSWORD_REQUIRED", answer, state.email, state.mark.startedAt);
  }

  /** The MFA step answered by a factor: a TOTP or recovery code at SOFTWARE_TOKEN_MFA, a passkey at WEBAUTHN. */
  async answer(handle: string, id: FactorId, answer: string, meta: RequestMeta, event: AuditEvent): Promise<Audited<AuthOutcome>> {
    const factor = findFactor(this.deps.factors, id);
    // Before the handle and the answer are spent: the login can still continue another way.
    factor.assertAvailable?.();
    const stage = answeredAt(factor);
    const state = await this.deps.handles.take(handle, stage);
    const ctx: FactorContext = { meta, event, account: accountOf(state), ...(state.stage === "WEBAUTHN" ? { challenge: state.challenge } : { providerSession: state.session }) };
    const verdict = await factor.verify(ctx, answer);
    if (verdict.outcome === "failure") {
      // A mistyped code gives the handle back, one attempt fewer, so the next right code still works.
      if (factor.retryable && state.stage === "SOFTWARE_TOKEN_MFA" && verdict.error.code === ErrorCode.CODE_MISMATCH) await this.deps.handles.giveBack(handle, state);
      throw verdict.error;
    }
    const login = { ...state, proven: [...state.proven, verdict.proves] };
    if (bothFactorsProven(login.proven)) return withTarget(await this.finish(stage, verdict.tokens, login, meta), verdict);
    // A proof that is no second factor (a recovery code) only leads back to setting up an authenticator; it ended
    // every other session and pending login of the account, so what follows is bound to the epoch as it is now.
    const mark = await this.deps.epoch.mark(state.username, this.deps.epoch.start());
    const session = await this.deps.handles.create(stage, { ...login, mark, stage: "MFA_SETUP", via: { kind: "held", tokens: verdict.tokens } });
    return { result: { challenge: { name: "MFA_SETUP", session } }, audit: { subject: state.username, reason: `MFA_SETUP;${verdict.note ?? ""}` } };
  }

  /** SOFTWARE_TOKEN_MFA → a factor's own challenge (WEBAUTHN): the MFA step's handle becomes one for that challenge. */
  async challenge(handle: string, id: FactorId, meta: RequestMeta, event: AuditEvent): Promise<Audited<{ options: string; session: string }>> {
    const factor = findFactor(this.deps.factors, id);
    if (factor.answers !== "challenge") throw internalError(`${id} has no challenge of its own`);
    const { stage: _stage, expiresAt: _expires, session: _session, attemptsLeft: _attempts, ...state } = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
    const { options, challenge } = await factor.challenge({ meta, event, account: accountOf(state) });
    const session = await this.deps.handles.create("SOFTWARE_TOKEN_MFA", { ...state, stage: "WEBAUTHN", challenge });
    return { result: { options, session }, audit: { subject: state.username } };
  }

  /** PASSKEY, begun: a challenge for any discoverable credential; `email` only names the account it must belong to. */
  async beginAlone(email: string | undefined, meta: RequestMeta, event: AuditEvent): Promise<Audited<{ options: string; session: string }>> {
    const { options, challenge } = await findFactor(this.deps.factors, "webauthn").challenge({ meta, event, account: undefined });
    const session = await this.deps.handles.open({ stage: "PASSKEY", challenge, claimedEmail: email === undefined ? undefined : normalizeEmail(email), startedAt: this.deps.epoch.start() });
    return { result: { options, session } };
  }

  /** PASSKEY, answered: one gesture proving possession and the user (webauthn-uv), then straight to the release. */
  async answerAlone(handle: string, answer: string, meta: RequestMeta, event: AuditEvent): Promise<Audited<AuthOutcome>> {
    const state = await this.deps.handles.take(handle, "PASSKEY");
    const verdict = await findFactor(this.deps.factors, "webauthn").verify({ meta, event, account: undefined, alone: true, claimedEmail: state.claimedEmail, challenge: state.challenge }, answer);
    if (verdict.outcome === "failure") throw verdict.error;
    const mark = await this.deps.epoch.mark(verdict.account.sub, state.startedAt);
    const login = { email: verdict.account.email, username: verdict.account.sub, mark, proven: [verdict.proves] };
    return withTarget(await this.finish("PASSKEY", verdict.tokens, login, meta), verdict);
  }

  /** MFA_SETUP (required action CONFIGURE_TOTP): a new secret, and a handle to confirm it with. */
  async beginSetUp(handle: string): Promise<Audited<MfaEnrolment>> {
    const { stage: _stage, expiresAt: _expires, ...state } = await this.deps.handles.take(handle, "MFA_SETUP");
    return { result: await this.associate("MFA_SETUP", { ...state, purpose: "enrol" }), audit: { subject: state.username } };
  }

  /** MFA_SETUP_VERIFY: the new authenticator's first code proves it; it is switched on only while the login is current. */
  async completeSetUp(handle: string, code: string, meta: RequestMeta, event: AuditEvent): Promise<Audited<AuthOutcome>> {
    const { id, setUp } = this.setUpFactor();
    const state = await this.deps.handles.take(handle, "MFA_SETUP_VERIFY");
    const { via } = state;
    const verified = await setUp.confirm({ meta, event, account: accountOf(state) }, credentialOf(via), state.secret, code);
    if (verified.outcome === "failure") {
      if (verified.error.code === ErrorCode.CODE_MISMATCH) await this.deps.handles.giveBack(handle, state);
      throw verified.error;
    }
    const tokens = via.kind === "held" ? via.tokens : tokensOf(await this.deps.idp.answerMfaSetup(state.username, verified.session ?? via.session));
    await this.deps.epoch.assertCurrent(state.username, state.mark);
    let notice: Partial<AuditEvent> = {};
    let revoked = 0;
    try {
      await setUp.activate(state.username, tokens.accessToken, state.secret);
      // Told as soon as the authenticator is on, whether or not the rest of this login succeeds. Never failing the
      // login: a notice that could not be handed over is named in the login's audit record.
      notice = await ownerNotice(() => this.deps.notifier.accountChanged({ email: state.email, sub: state.username, change: "AUTHENTICATOR_SET_UP", at: new Date(this.deps.clock.now()) }, meta));
      // A replacement is the owner's way out of a stolen session: like adminResetMfa, every passkey goes with the old
      // authenticator (a thief's, added with one phished code, would sign in alone and prove every step-up).
      if (state.purpose === "reset") revoked = await this.deps.passkeys.removeAll(state.username);
    } catch (error) {
      // The provider may have switched the new authenticator on before this failed (PostgreSQL hung): the sessions,
      // which live in Redis, end all the same; the passkeys need PostgreSQL, and a new replacement takes them.
      if (state.purpose === "reset") await signOutEverywhere(this.deps, state.username).catch(() => undefined);
      throw error;
    }
    const done = await this.finish("MFA_SETUP_VERIFY", tokens, { ...state, proven: [...state.proven, id] }, meta);
    if (state.purpose !== "reset") return { ...done, audit: { ...done.audit, ...reasons(done.audit?.reason, notice.reason) } };
    // PASSWORD_EXPIRED holds the tokens (no session yet): its own step ends every other session once it is answered.
    if (done.sessionId === undefined) return { ...done, audit: { ...done.audit, ...reasons(done.audit?.reason, "MFA_RESET", `PASSKEYS_REVOKED:${revoked}`, notice.reason) } };
    // A replaced authenticator may be in someone else's hands: every other session and pending login ends.
    await signOutEverywhere(this.deps, done.sub, done.sessionId);
    // Again after the sign-out: a registration that passed its session check before it is not kept either.
    const late = await this.deps.passkeys.removeAll(state.username);
    return { ...done, audit: { ...done.audit, ...reasons("MFA_RESET", `PASSKEYS_REVOKED:${revoked + late}`, notice.reason) } };
  }

  /** RE_ENROL: a signed-in user replacing their authenticator proves the password and a code of the current one. */
  async reEnrol(identity: Identity, currentPassword: string, code: string, meta: RequestMeta, event: AuditEvent): Promise<Audited<MfaEnrolment>> {
    const email = identity.account.email;
    const startedAt = this.deps.epoch.start();
    const answer = await this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, currentPassword));
    if (answer.kind !== "challenge" || answer.name !== "SOFTWARE_TOKEN_MFA") throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
    const mark = await this.deps.epoch.mark(answer.username, startedAt);
    const verdict = await this.setUpFactor().verify({ meta, event, account: { sub: answer.username, email }, providerSession: answer.session }, code);
    if (verdict.outcome === "failure") throw verdict.error;
    const pending: Pending = { email, username: answer.username, via: { kind: "held", tokens: verdict.tokens }, purpose: "reset", mark, proven: ["password", verdict.proves] };
    return { result: await this.associate("RE_ENROL", pending) };
  }

  /** PASSWORD_EXPIRED (required action UPDATE_PASSWORD), answered: the held tokens go out once it is replaced. */
  async expiredPassword(handle: string, currentPassword: string | undefined, newPassword: string, meta: RequestMeta): Promise<Audited<AuthOutcome>> {
    if (currentPassword === undefined) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "CURRENT_PASSWORD_REQUIRED" }, "Enter the password that expired, then the new one.");
    const { username: sub, email, tokens, proven } = await this.deps.handles.take(handle, "PASSWORD_EXPIRED");
    const { ended, notice } = await this.deps.passwords.replaceExpired({ sub, email }, currentPassword, newPassword, meta);
    const mark = await this.deps.epoch.mark(sub, this.deps.epoch.start());
    const released = await this.finish("PASSWORD_EXPIRED", tokens, { email, username: sub, mark, proven }, meta);
    return { ...released, audit: { ...released.audit, ...reasons(`OTHER_SESSIONS_ENDED:${ended}`, notice.reason) } };
  }

  /** HOSTED, before anything else is asked: may this account sign in at all? */
  async admit(sub: string, email: string | undefined): Promise<void> {
    const decision = decideAccess(await this.deps.access.forLogin(sub, email, []), "login");
    if (!decision.allowed) throw decision.error;
  }

  /** HOSTED: the pool's pages proved both factors; only the release is the gateway's. */
  async hosted(tokens: ProviderTokens, email: string, meta: RequestMeta): Promise<Released & { sessionId: string }> {
    const { sub } = decodeIssuedAccessToken(tokens.accessToken);
    const mark = await this.deps.epoch.mark(sub, this.deps.epoch.start());
    const released = await this.finish("HOSTED", tokens, { email, username: sub, mark, proven: hostedProof }, meta);
    if (released.sessionId === undefined) throw internalError("hosted login released no session");
    return { ...released, sessionId: released.sessionId };
  }

  /** After a password: the account is known; the access policy is asked, and the provider's answer picks the MFA stage. */
  private async afterPassword(from: "PASSWORD" | "NEW_PASSWORD_REQUIRED", answer: ProviderAuthResult, email: string, startedAt: number): Promise<Audited<AuthOutcome>> {
    const sub = answer.kind === "tokens" ? decodeIssuedAccessToken(answer.tokens.accessToken).sub : answer.username;
    // Two reads, both after the password proved the account, sent together (one round trip); a failed read
    // still comes before a refusal, as when they ran one after the other. A disabled account is refused here,
    // like a wrong password (Cognito does the same), not after MFA.
    const [marked, admitted] = await Promise.allSettled([this.deps.epoch.mark(sub, startedAt), this.admit(sub, email)]);
    if (marked.status === "rejected") throw marked.reason;
    if (admitted.status === "rejected") throw admitted.reason;
    const mark = marked.value;
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
    // The handle's write and the read of the other factors the account has are independent: sent together.
    const [session, alternatives] = await Promise.all([this.deps.handles.create(from, next), next.stage === "SOFTWARE_TOKEN_MFA" ? this.alternatives({ sub, email }) : []]);
    return { result: { challenge: { name: next.stage, session, ...(alternatives.length ? { alternatives } : {}) } }, audit: { subject: sub, reason: next.stage } };
  }

  /** Other factors that may answer the MFA step, for this account (WEBAUTHN for an account with a passkey). */
  private async alternatives(account: FactorAccount): Promise<PublicChallengeName[]> {
    const offered = this.deps.factors.filter((f) => f.answers === "challenge");
    const configured = await Promise.all(offered.map((f) => f.configuredFor(account)));
    return offered.filter((_f, i) => configured[i]).map(answeredAt);
  }

  /** CONFIGURE_TOTP's ceremony: the factor's provider work, the machine's handle. */
  private async associate(from: LoginStep, state: Pending): Promise<MfaEnrolment> {
    const { via } = state;
    const { secret, session, otpauthUri, qrCodeDataUrl } = await this.setUpFactor().setUp.begin(credentialOf(via), state.email);
    const nextVia: EnrolmentVia = via.kind === "held" ? via : { kind: "session", session: session ?? via.session };
    const next = await this.deps.handles.create(from, { ...state, stage: "MFA_SETUP_VERIFY", via: nextVia, attemptsLeft: codeAttemptsPerHandle, secret });
    return { secret, otpauthUri, qrCodeDataUrl, session: next };
  }

  private setUpFactor(): Factor & { setUp: FactorSetUp } {
    const factor = this.deps.factors.find((f): f is Factor & { setUp: FactorSetUp } => f.setUp !== undefined);
    if (!factor) throw internalError("no factor can be set up");
    return factor;
  }

  /**
   * The end of every login: only with both factors proven, only while the account's security epoch has not moved
   * since the login began, only when the access policy lets the account sign in; an expired password is owed
   * first (UPDATE_PASSWORD) wherever the table has that stage. Then the session opens.
   */
  private async finish(from: LoginStep, tokens: ProviderTokens, login: Login, meta: RequestMeta): Promise<Released> {
    if (!bothFactorsProven(login.proven)) throw internalError("tokens without both factors");
    const claims = decodeIssuedAccessToken(tokens.accessToken);
    await this.deps.epoch.assertCurrent(claims.sub, login.mark);
    const decision = decideAccess(await this.deps.access.forLogin(claims.sub, login.email || undefined, claims.groups), "login");
    if (!decision.allowed) throw decision.error;
    if (decision.owes?.includes("UPDATE_PASSWORD") && canMove(from, "PASSWORD_EXPIRED")) {
      // Both factors are proven; the tokens wait behind the new password, in the gateway.
      const session = await this.deps.handles.create(from, { stage: "PASSWORD_EXPIRED", email: login.email, username: claims.sub, mark: login.mark, proven: [...login.proven], tokens });
      return { result: { challenge: { name: "PASSWORD_EXPIRED", session } }, sub: claims.sub, audit: { subject: claims.sub, outcome: "CHALLENGE", reason: "PASSWORD_EXPIRED" } };
    }
    if (!canMove(from, "TOKENS")) throw internalError(`login cannot release tokens from ${from}`);
    return this.deps.release.open(tokens, login.mark, meta);
  }
}

/** The credential a passkey answer was checked with goes into the audit record. */
const withTarget = (released: Released, verdict: Extract<FactorVerdict, { outcome: "success" }>): Released =>
  verdict.target === undefined ? released : { ...released, audit: { ...released.audit, target: verdict.target } };
