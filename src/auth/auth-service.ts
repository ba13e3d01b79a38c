import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort, type Audited, type AuditedOptions } from "../audit/audited";
import { tokenRejected, TokenRejection } from "../errors/error-codes";
import { decideAccess } from "../policy/access-policy";
import type { CodeGuard } from "../policy/code-guard";
import type { Passwords } from "../policy/passwords";
import { atLeast, uniformAnswerFloorMs } from "../policy/uniform-time";
import type { AccessStateReader } from "./access-state";
import type { AuthOutcome } from "./auth-outcome";
import type { Identity } from "./identity";
import { AccountExistsError, type IdentityProvider, type SignUpInput } from "./identity-provider";
import type { LoginMachine } from "./login/login-machine";
import { internalError } from "./auth-outcome";
import type { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";

/** What the login doors (AuthService, MfaEnrolment) share; every login step is the machine's. */
export type LoginFlowDeps = {
  idp: Pick<IdentityProvider, "signUp" | "confirmSignUp" | "resendConfirmationCode" | "refresh" | "revokeRefreshToken">;
  audit: Pick<AuditLog, "record">;
  machine: LoginMachine;
  sessions: Pick<SessionRegistry, "findByRefreshToken" | "end" | "extend">;
  passwords: Pick<Passwords, "assertRules" | "digest" | "recordSet">;
  codes: Pick<CodeGuard, "check">;
  access: Pick<AccessStateReader, "forSession">;
  /** Tests only: how long the existence answers take at least (default uniformAnswerFloorMs). */
  answerFloorMs?: number | undefined;
};

/**
 * Sign-up, the login's password doors, refresh and logout. MFA is mandatory: tokens reach a client only
 * through the login machine (login/login-machine.ts), after a second factor was proven in this login —
 * whether Cognito runs the MFA_SETUP challenge itself (real pools with MFA ON) or the gateway holds the first
 * tokens until enrolment is verified (cognito-local, optional-MFA pools).
 */
export class AuthService {
  constructor(private readonly deps: LoginFlowDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>, options?: AuditedOptions): Promise<T> {
    return audited(this.deps.audit, meta, event, operation, options);
  }

  /**
   * The same answer for a new and an existing email, in about the same time (one argon2 digest each): a new account costs the
   * provider's user creation and our history write, an existing one only a refusal, so the answer waits
   * for the same floor as the other existence questions.
   */
  register(input: SignUpInput, meta: RequestMeta): Promise<void> {
    return atLeast(this.deps.answerFloorMs ?? uniformAnswerFloorMs, () =>
      this.run(meta, { event: "REGISTER", outcome: "SUCCESS" }, async () => {
        await this.deps.passwords.assertRules(input.email, input.password);
        try {
          const { sub } = await this.deps.idp.signUp(input);
          await this.deps.passwords.recordSet(sub, await this.deps.passwords.digest(sub, input.password));
          return { result: undefined, audit: { subject: sub } };
        } catch (error) {
          if (!(error instanceof AccountExistsError)) throw error;
          await this.deps.passwords.digest(undefined, input.password);
          // The caller gets the same answer as for a new account; only the audit log knows.
          return { result: undefined, audit: { outcome: "FAILURE", reason: "ACCOUNT_EXISTS" } };
        }
      }),
    );
  }

  confirmSignUp(email: string, code: string, meta: RequestMeta): Promise<void> {
    return this.run(meta, { event: "CONFIRM_SIGN_UP", outcome: "SUCCESS" }, async () => {
      await this.deps.codes.check(email, () => this.deps.idp.confirmSignUp(email, code));
      return { result: undefined };
    });
  }

  /** Always succeeds for the caller, in about the same time, so it cannot be used to probe for accounts. */
  resendConfirmationCode(email: string, meta: RequestMeta): Promise<void> {
    return atLeast(this.deps.answerFloorMs ?? uniformAnswerFloorMs, () =>
      this.run(meta, { event: "RESEND_CONFIRMATION_CODE", outcome: "SUCCESS" }, async () => ({
        result: undefined,
        audit: await bestEffort(() => this.deps.idp.resendConfirmationCode(email), "RESEND"),
      })),
    );
  }

  login(email: string, password: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "LOGIN", outcome: "CHALLENGE" }, () => this.deps.machine.password(email, password, meta));
  }

  /** Answers NEW_PASSWORD_REQUIRED (admin-created users); MFA enrolment follows as for everyone. */
  completeNewPassword(handle: string, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "NEW_PASSWORD", outcome: "CHALLENGE" }, () => this.deps.machine.newPassword(handle, newPassword));
  }

  respondToMfa(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    const event: AuditEvent = { event: "MFA_CHALLENGE", outcome: "SUCCESS" };
    return this.run(meta, event, () => this.deps.machine.answer(handle, "totp", code, meta, event));
  }

  /**
   * Answers PASSWORD_EXPIRED, which comes only after both factors: the expired password is proven again, the
   * new one set, every other session ends, and the held tokens go out (LoginMachine.expiredPassword).
   */
  completeExpiredPassword(handle: string, currentPassword: string | undefined, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "PASSWORD_EXPIRED_CHANGE", outcome: "SUCCESS" }, () => this.deps.machine.expiredPassword(handle, currentPassword, newPassword, meta));
  }

  /** Refused, like every other door, when the access policy refuses the session's account. */
  refreshTokens(refreshToken: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "TOKEN_REFRESH", outcome: "SUCCESS" }, async () => {
      const revoked = tokenRejected(TokenRejection.TOKEN_REVOKED);
      const live = await this.deps.sessions.findByRefreshToken(refreshToken);
      if (!live) throw revoked;
      const decision = decideAccess(await this.deps.access.forSession(live.sub, live.sessionId, []), "active");
      if (!decision.allowed) {
        // An idle session cannot be revived by refreshing it.
        if (decision.error.extensions["reason"] === TokenRejection.SESSION_IDLE) await this.deps.sessions.end(live.sessionId);
        throw decision.error;
      }
      const tokens = await this.deps.idp.refresh(refreshToken, live.sub);
      const claims = decodeIssuedAccessToken(tokens.accessToken);
      if (claims.sub !== live.sub) throw internalError("refreshed token for another subject");
      if (!(await this.deps.sessions.extend(live.sessionId, claims, tokens.refreshToken))) throw revoked;
      return { result: { tokens }, audit: { subject: live.sub, sessionId: live.sessionId, clientId: claims.clientId } };
    });
  }

  /**
   * Ends a session at the gateway first (effective at once), then revokes at the provider. Works with the
   * access token's identity, or with the refresh token alone (an app whose access token already expired).
   */
  async logout(identity: Pick<Identity, "sub" | "sessionId"> | undefined, refreshToken: string | undefined, meta: RequestMeta): Promise<void> {
    const byRefresh = refreshToken ? await this.deps.sessions.findByRefreshToken(refreshToken) : undefined;
    const sub = identity?.sub ?? byRefresh?.sub;
    if (!sub) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
    const event: AuditEvent = { event: "LOGOUT", outcome: "SUCCESS", subject: sub, sessionId: identity?.sessionId ?? byRefresh?.sessionId };
    return this.run(meta, event, async () => {
      if (identity) await this.deps.sessions.end(identity.sessionId);
      if (byRefresh?.sub === sub) await this.deps.sessions.end(byRefresh.sessionId);
      if (!refreshToken) return { result: undefined };
      return { result: undefined, audit: await bestEffort(() => this.deps.idp.revokeRefreshToken(refreshToken), "PROVIDER_REVOKE") };
    }, { protected: true });
  }
}
