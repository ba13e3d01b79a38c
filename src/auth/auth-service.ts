import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort } from "../audit/audited";
import { tokenRejected, TokenRejection } from "../errors/error-codes";
import { assertPasswordPolicy } from "../policy/password-policy";
import type { StateStore } from "../store/state-store";
import type { AuthOutcome } from "./auth-outcome";
import { ChallengeHandles, codeAttemptsPerHandle, type NewChallengeState } from "./challenge-handles";
import type { Identity } from "./identity";
import { AccountExistsError, type IdentityProvider, type ProviderAuthResult, type SignUpInput } from "./identity-provider";
import { internalError, tokensOf, type LoginCompletion } from "./login-completion";
import type { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";
import { claimTotpCode } from "./totp";

/** What the login flows (AuthService, MfaEnrolment) share. */
export type LoginFlowDeps = {
  idp: IdentityProvider;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  handles: ChallengeHandles;
  sessions: SessionRegistry;
  completion: LoginCompletion;
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
    return this.run(meta, { event: "CONFIRM_SIGN_UP", outcome: "SUCCESS" }, async () => {
      await this.deps.idp.confirmSignUp(email, code);
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
    return this.run(meta, { event: "LOGIN", outcome: "CHALLENGE" }, async () => this.afterPassword(await this.deps.idp.passwordAuth(email, password), email));
  }

  /** What follows an accepted password: never tokens, always the next MFA (or password) step. */
  private async afterPassword(answer: ProviderAuthResult, email: string) {
    if (answer.kind === "tokens") {
      // The provider did not ask for MFA: hold its tokens until the user has enrolled TOTP.
      const sub = decodeIssuedAccessToken(answer.tokens.accessToken).sub;
      const session = await this.deps.handles.create({ stage: "MFA_SETUP", email, username: sub, via: { kind: "held", tokens: answer.tokens } });
      return { result: { challenge: { name: "MFA_SETUP" as const, session } }, audit: { subject: sub, reason: "MFA_SETUP" } };
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
      assertPasswordPolicy(newPassword, state.email);
      const answer = await this.deps.idp.answerNewPasswordRequired(state.username, state.session, newPassword);
      return this.afterPassword(answer, state.email);
    });
  }

  respondToMfa(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "MFA_CHALLENGE", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      await claimTotpCode(this.deps.store, state.email.toLowerCase(), code);
      const answer = await this.deps.handles.retryOnWrongCode(handle, state, () => this.deps.idp.answerSoftwareTokenMfa(state.username, state.session, code));
      return this.deps.completion.complete(tokensOf(answer), meta);
    });
  }

  refreshTokens(refreshToken: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "TOKEN_REFRESH", outcome: "SUCCESS" }, async () => {
      const revoked = tokenRejected(TokenRejection.TOKEN_REVOKED);
      const live = await this.deps.sessions.findByRefreshToken(refreshToken);
      if (!live) throw revoked;
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

