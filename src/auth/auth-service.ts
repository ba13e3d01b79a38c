import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { ErrorCode, GatewayError, publicCodeOf, TokenRejection, tokenRejected } from "../errors/error-codes";
import type { Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";
import { saveAccount } from "./account-records";
import type { AuthOutcome, MfaEnrolment } from "./auth-outcome";
import { ChallengeHandles, codeAttemptsPerHandle, type ChallengeState, type EnrolmentVia, type NewChallengeState } from "./challenge-handles";
import type { Identity } from "./identity";
import { AccountExistsError, type IdentityProvider, type ProviderAuthResult, type ProviderTokens, type SignUpInput } from "./identity-provider";
import { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";
import { claimTotpCode, otpauthUri, qrCodeDataUrl } from "./totp";

export type AuthServiceDeps = {
  idp: IdentityProvider;
  store: StateStore;
  clock: Clock;
  audit: Pick<AuditLog, "record">;
  challengeTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  totpIssuer: string;
};

/** What an operation tells the audit log about itself, beyond its outcome. */
type Audited<T> = { result: T; audit?: Partial<AuditEvent> };

const internal = (what: string) => new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(what));

const isCodeMismatch = (error: unknown) => error instanceof GatewayError && error.code === ErrorCode.CODE_MISMATCH;

/**
 * The authentication flows. MFA is mandatory: tokens reach a client only after a TOTP code was checked,
 * whether Cognito runs the MFA_SETUP challenge itself (real pools with MFA ON) or not (cognito-local,
 * optional-MFA pools), in which case the gateway holds the first tokens until enrolment is verified.
 */
export class AuthService {
  private readonly handles: ChallengeHandles;
  readonly sessions: SessionRegistry;

  constructor(private readonly deps: AuthServiceDeps) {
    this.handles = new ChallengeHandles({ store: deps.store, clock: deps.clock, ttlSeconds: deps.challengeTtlSeconds });
    this.sessions = new SessionRegistry({ store: deps.store, clock: deps.clock, sessionMaxAgeSeconds: deps.sessionMaxAgeSeconds });
  }

  /** Runs an operation and writes its audit record (success or failure) before anything is returned. */
  private async audited<T>(meta: RequestMeta, event: AuditEvent, run: () => Promise<Audited<T>>): Promise<T> {
    let done: Audited<T>;
    try {
      done = await run();
    } catch (error) {
      await this.deps.audit.record(meta, { ...event, outcome: "FAILURE", reason: publicCodeOf(error) });
      throw error;
    }
    await this.deps.audit.record(meta, { ...event, ...done.audit });
    return done.result;
  }

  register(input: SignUpInput, meta: RequestMeta): Promise<void> {
    return this.audited(meta, { event: "REGISTER", outcome: "SUCCESS" }, async () => {
      try {
        await this.deps.idp.signUp(input);
        return { result: undefined };
      } catch (error) {
        // The caller gets the same answer as for a new account; only the audit log knows.
        if (error instanceof AccountExistsError) return { result: undefined, audit: { outcome: "FAILURE", reason: "ACCOUNT_EXISTS" } };
        throw error;
      }
    });
  }

  confirmSignUp(email: string, code: string, meta: RequestMeta): Promise<void> {
    return this.audited(meta, { event: "CONFIRM_SIGN_UP", outcome: "SUCCESS" }, async () => {
      await this.deps.idp.confirmSignUp(email, code);
      return { result: undefined };
    });
  }

  /** Always succeeds for the caller, so it cannot be used to probe for accounts. */
  resendConfirmationCode(email: string, meta: RequestMeta): Promise<void> {
    return this.audited(meta, { event: "RESEND_CONFIRMATION_CODE", outcome: "SUCCESS" }, async () => {
      try {
        await this.deps.idp.resendConfirmationCode(email);
        return { result: undefined };
      } catch (error) {
        return { result: undefined, audit: { outcome: "FAILURE", reason: publicCodeOf(error) } };
      }
    });
  }

  login(email: string, password: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.audited(meta, { event: "LOGIN", outcome: "CHALLENGE" }, async () => {
      const answer = await this.deps.idp.passwordAuth(email, password);
      if (answer.kind === "tokens") {
        // The provider did not ask for MFA: hold its tokens until the user has enrolled TOTP.
        const sub = decodeIssuedAccessToken(answer.tokens.accessToken).sub;
        const via: EnrolmentVia = { kind: "held", tokens: answer.tokens };
        const session = await this.handles.create({ stage: "MFA_SETUP", email, username: sub, via });
        return { result: { challenge: { name: "MFA_SETUP", session } }, audit: { subject: sub, reason: "MFA_SETUP" } };
      }
      const session = await this.handles.create(this.challengeState(answer, email));
      return { result: { challenge: { name: answer.name, session } }, audit: { reason: answer.name } };
    });
  }

  private challengeState(answer: Extract<ProviderAuthResult, { kind: "challenge" }>, email: string): NewChallengeState {
    const base = { email, username: answer.username };
    switch (answer.name) {
      case "MFA_SETUP":
        return { ...base, stage: "MFA_SETUP", via: { kind: "session", session: answer.session } };
      case "SOFTWARE_TOKEN_MFA":
        return { ...base, stage: "SOFTWARE_TOKEN_MFA", session: answer.session, attemptsLeft: codeAttemptsPerHandle };
      case "NEW_PASSWORD_REQUIRED":
        return { ...base, stage: "NEW_PASSWORD_REQUIRED", session: answer.session };
    }
  }

  beginMfaSetup(handle: string, meta: RequestMeta): Promise<MfaEnrolment> {
    return this.audited(meta, { event: "MFA_SETUP_BEGIN", outcome: "SUCCESS" }, async () => {
      const state = await this.handles.take(handle, "MFA_SETUP");
      const { via } = state;
      const credential = via.kind === "held" ? { accessToken: via.tokens.accessToken } : { session: via.session };
      const { secret, session } = await this.deps.idp.associateSoftwareToken(credential);
      const nextVia: EnrolmentVia = via.kind === "held" ? via : { kind: "session", session: session ?? via.session };
      const next = await this.handles.create({ stage: "MFA_SETUP_VERIFY", email: state.email, username: state.username, via: nextVia, attemptsLeft: codeAttemptsPerHandle });
      const uri = otpauthUri(this.deps.totpIssuer, state.email, secret);
      return { result: { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri), session: next } };
    });
  }

  completeMfaSetup(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.audited(meta, { event: "MFA_SETUP_COMPLETE", outcome: "SUCCESS" }, async () => {
      const state = await this.handles.take(handle, "MFA_SETUP_VERIFY");
      const { via } = state;
      await claimTotpCode(this.deps.store, state.email.toLowerCase(), code);
      const credential = via.kind === "held" ? { accessToken: via.tokens.accessToken } : { session: via.session };
      const verified = await this.withRetry(handle, state, () => this.deps.idp.verifySoftwareToken(credential, code));
      let tokens: ProviderTokens;
      if (via.kind === "held") {
        tokens = via.tokens;
      } else {
        tokens = this.tokensOf(await this.deps.idp.answerMfaSetup(state.username, verified.session ?? via.session));
      }
      await this.deps.idp.enableSoftwareTokenMfa(tokens.accessToken);
      return this.startSession(tokens);
    });
  }

  respondToMfa(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.audited(meta, { event: "MFA_CHALLENGE", outcome: "SUCCESS" }, async () => {
      const state = await this.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      await claimTotpCode(this.deps.store, state.email.toLowerCase(), code);
      const answer = await this.withRetry(handle, state, () => this.deps.idp.answerSoftwareTokenMfa(state.username, state.session, code));
      return this.startSession(this.tokensOf(answer));
    });
  }

  /** A wrong code gives the handle back (fewer attempts left) so a typo does not force a new login. */
  private async withRetry<T>(handle: string, state: Extract<ChallengeState, { attemptsLeft: number }>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isCodeMismatch(error)) await this.handles.giveBack(handle, state);
      throw error;
    }
  }

  private tokensOf(answer: ProviderAuthResult): ProviderTokens {
    if (answer.kind !== "tokens") throw internal(`unexpected ${answer.name} challenge after MFA`);
    return answer.tokens;
  }

  /** The last step of every login: record the account and the session, then release the tokens. */
  private async startSession(tokens: ProviderTokens): Promise<Audited<AuthOutcome>> {
    const { idp, store, sessionMaxAgeSeconds } = this.deps;
    const claims = decodeIssuedAccessToken(tokens.accessToken);
    const profile = await idp.getProfile(tokens.accessToken);
    if (!profile.mfaEnabled) throw internal("tokens reached the end of a login without TOTP enabled");
    const account = await saveAccount(store, profile, claims.groups, sessionMaxAgeSeconds);
    if (account.disabled) throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
    const sessionId = await this.sessions.open(claims, tokens.refreshToken);
    return { result: { tokens }, audit: { subject: claims.sub, sessionId, clientId: claims.clientId } };
  }

  refreshTokens(refreshToken: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.audited(meta, { event: "TOKEN_REFRESH", outcome: "SUCCESS" }, async () => {
      const revoked = tokenRejected(TokenRejection.TOKEN_REVOKED);
      const live = await this.sessions.findByRefreshToken(refreshToken);
      if (!live) throw revoked;
      const tokens = await this.deps.idp.refresh(refreshToken, live.sub);
      const claims = decodeIssuedAccessToken(tokens.accessToken);
      if (claims.sub !== live.sub) throw internal("refreshed token for another subject");
      if (!(await this.sessions.extend(live.sessionId, claims, tokens.refreshToken))) throw revoked;
      return { result: { tokens }, audit: { subject: live.sub, sessionId: live.sessionId, clientId: claims.clientId } };
    });
  }

  /** Ends the caller's session at the gateway first (effective at once), then revokes at the provider. */
  logout(identity: Identity, refreshToken: string | undefined, meta: RequestMeta): Promise<void> {
    const event: AuditEvent = { event: "LOGOUT", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId };
    return this.audited(meta, event, async () => {
      await this.sessions.end(identity.sessionId);
      if (!refreshToken) return { result: undefined };
      const other = await this.sessions.findByRefreshToken(refreshToken);
      if (other && other.sub === identity.sub) await this.sessions.end(other.sessionId);
      try {
        await this.deps.idp.revokeRefreshToken(refreshToken);
        return { result: undefined };
      } catch (error) {
        return { result: undefined, audit: { reason: `PROVIDER_REVOKE_FAILED:${publicCodeOf(error)}` } };
      }
    });
  }
}
