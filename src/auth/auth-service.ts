import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort, type Audited } from "../audit/audited";
import { tokenRejected, TokenRejection } from "../errors/error-codes";
import type { CodeGuard } from "../policy/code-guard";
import { IdleTimeout } from "../policy/idle-timeout";
import type { Lockout } from "../policy/lockout";
import { assertPasswordPolicy } from "../policy/password-policy";
import type { Passwords } from "../policy/passwords";
import type { StateStore } from "../store/state-store";
import type { AuthOutcome } from "./auth-outcome";
import { ChallengeHandles, codeAttemptsPerHandle, type NewChallengeState } from "./challenge-handles";
import type { Identity } from "./identity";
import { AccountExistsError, type IdentityAdmin, type IdentityProvider, type ProviderAuthResult, type SignUpInput } from "./identity-provider";
import { internalError, tokensOf, type LoginCompletion } from "./login-completion";
import type { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";
import { claimTotpCode } from "./totp";

/** What the login flows (AuthService, MfaEnrolment) share. */
export type LoginFlowDeps = {
  idp: IdentityProvider;
  admin: Pick<IdentityAdmin, "setPassword">;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  handles: ChallengeHandles;
  sessions: SessionRegistry;
  completion: LoginCompletion;
  lockout: Lockout;
  passwords: Passwords;
  codes: CodeGuard;
};

/**
 * Sign-up and login. MFA is mandatory: tokens reach a client only after a TOTP code was checked,
 * whether Cognito runs the MFA_SETUP challenge itself (real pools with MFA ON) or not (cognito-local,
 * optional-MFA pools), in which case the gateway holds the first tokens until enrolment is verified
 * (see MfaEnrolment).
 */
export class AuthService {
  constructor(private readonly deps: LoginFlowDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: Parameters<typeof audited<T>>[3]): Promise<T> {
    return audited(this.deps.audit, meta, event, operation);
  }

  register(input: SignUpInput, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "REGISTER", outcome: "SUCCESS" }, async () => {
      assertPasswordPolicy(input.password, input.email);
      try {
        const { sub } = await this.deps.idp.signUp(input);
        await this.deps.passwords.recordSet(sub, input.password);
        return { result: undefined, audit: { subject: sub } };
      } catch (error) {
        // The caller gets the same answer as for a new account; only the audit log knows.
        if (error instanceof AccountExistsError) return { result: undefined, audit: { outcome: "FAILURE", reason: "ACCOUNT_EXISTS" } };
        throw error;
      }
    });
  }

  confirmSignUp(email: string, code: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "CONFIRM_SIGN_UP", outcome: "SUCCESS" }, async () => {
      await this.deps.codes.check(email, () => this.deps.idp.confirmSignUp(email, code));
      return { result: undefined };
    });
  }

  /** Always succeeds for the caller, so it cannot be used to probe for accounts. */
  resendConfirmationCode(email: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "RESEND_CONFIRMATION_CODE", outcome: "SUCCESS" }, async () => ({
      result: undefined,
      audit: await bestEffort(() => this.deps.idp.resendConfirmationCode(email), "RESEND"),
    }));
  }

  login(email: string, password: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "LOGIN", outcome: "CHALLENGE" }, async () => {
      const answer = await this.deps.lockout.guardPassword(email, meta, () => this.deps.idp.passwordAuth(email, password));
      return this.afterPassword(answer, email);
    });
  }

  /** What follows an accepted password: never tokens, always the next password or MFA step. */
  private async afterPassword(answer: ProviderAuthResult, email: string): Promise<Audited<AuthOutcome>> {
    const sub = answer.kind === "tokens" ? decodeIssuedAccessToken(answer.tokens.accessToken).sub : answer.username;
    const invited = answer.kind === "challenge" && answer.name === "NEW_PASSWORD_REQUIRED";
    if (!invited && (await this.deps.passwords.rotation.hasExpired(sub))) {
      const session = await this.deps.handles.create({ stage: "PASSWORD_EXPIRED", email, username: sub });
      return { result: { challenge: { name: "PASSWORD_EXPIRED", session } }, audit: { subject: sub, reason: "PASSWORD_EXPIRED" } };
    }
    if (answer.kind === "tokens") {
      // The provider did not ask for MFA: hold its tokens until the user has enrolled TOTP.
      const session = await this.deps.handles.create({ stage: "MFA_SETUP", email, username: sub, via: { kind: "held", tokens: answer.tokens } });
      return { result: { challenge: { name: "MFA_SETUP", session } }, audit: { subject: sub, reason: "MFA_SETUP" } };
    }
    const session = await this.deps.handles.create(this.challengeState(answer, email));
    return { result: { challenge: { name: answer.name, session } }, audit: { reason: answer.name } };
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

  /** Answers NEW_PASSWORD_REQUIRED (admin-created users); MFA enrolment follows as for everyone. */
  completeNewPassword(handle: string, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "NEW_PASSWORD", outcome: "CHALLENGE" }, async () => {
      const state = await this.deps.handles.take(handle, "NEW_PASSWORD_REQUIRED");
      await this.deps.passwords.assertAcceptable(state.username, state.email, newPassword);
      const answer = await this.deps.idp.answerNewPasswordRequired(state.username, state.session, newPassword);
      await this.deps.passwords.recordSet(state.username, newPassword);
      return this.afterPassword(answer, state.email);
    });
  }

  /** Answers PASSWORD_EXPIRED: the gateway already saw the old password; the MFA step follows. */
  completeExpiredPassword(handle: string, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "PASSWORD_EXPIRED_CHANGE", outcome: "CHALLENGE" }, async () => {
      const state = await this.deps.handles.take(handle, "PASSWORD_EXPIRED");
      await this.deps.passwords.assertAcceptable(state.username, state.email, newPassword);
      await this.deps.admin.setPassword(state.username, newPassword);
      await this.deps.passwords.recordSet(state.username, newPassword);
      const answer = await this.deps.idp.passwordAuth(state.email, newPassword);
      return { ...(await this.afterPassword(answer, state.email)), audit: { subject: state.username } };
    });
  }

  respondToMfa(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "MFA_CHALLENGE", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      const answer = await this.deps.lockout.guardCode(state.email, meta, async () => {
        await claimTotpCode(this.deps.store, state.email.toLowerCase(), code);
        return this.deps.handles.retryOnWrongCode(handle, state, () => this.deps.idp.answerSoftwareTokenMfa(state.username, state.session, code));
      });
      return this.deps.completion.complete(tokensOf(answer), meta);
    });
  }

  refreshTokens(refreshToken: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "TOKEN_REFRESH", outcome: "SUCCESS" }, async () => {
      const revoked = tokenRejected(TokenRejection.TOKEN_REVOKED);
      const live = await this.deps.sessions.findByRefreshToken(refreshToken);
      if (!live) throw revoked;
      // An idle session cannot be revived by refreshing it.
      if ((await this.deps.store.get(IdleTimeout.key(live.sessionId))) === undefined) {
        await this.deps.sessions.end(live.sessionId);
        throw tokenRejected(TokenRejection.SESSION_IDLE);
      }
      const tokens = await this.deps.idp.refresh(refreshToken, live.sub);
      const claims = decodeIssuedAccessToken(tokens.accessToken);
      if (claims.sub !== live.sub) throw internalError("refreshed token for another subject");
      if (!(await this.deps.sessions.extend(live.sessionId, claims, tokens.refreshToken))) throw revoked;
      return { result: { tokens }, audit: { subject: live.sub, sessionId: live.sessionId, clientId: claims.clientId } };
    });
  }

  /** Ends the caller's session at the gateway first (effective at once), then revokes at the provider. */
  logout(identity: Identity, refreshToken: string | undefined, meta: RequestMeta): Promise<void> {
    const event: AuditEvent = { event: "LOGOUT", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId };
    return this.run(meta, event, async () => {
      await this.deps.sessions.end(identity.sessionId);
      if (!refreshToken) return { result: undefined };
      const other = await this.deps.sessions.findByRefreshToken(refreshToken);
      if (other && other.sub === identity.sub) await this.deps.sessions.end(other.sessionId);
      return { result: undefined, audit: await bestEffort(() => this.deps.idp.revokeRefreshToken(refreshToken), "PROVIDER_REVOKE") };
    });
  }
}

