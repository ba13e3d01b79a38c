import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort, type Audited, type AuditedOptions } from "../audit/audited";
import { ErrorCode, GatewayError, tokenRejected, TokenRejection } from "../errors/error-codes";
import { decideAccess } from "../policy/access-policy";
import type { CodeGuard } from "../policy/code-guard";
import type { Lockout } from "../policy/lockout";
import type { Passwords } from "../policy/passwords";
import type { SecurityEpoch } from "../policy/security-epoch";
import { atLeast, uniformAnswerFloorMs } from "../policy/uniform-time";
import type { StateStore } from "../store/state-store";
import type { AccessStateReader } from "./access-state";
import type { AuthOutcome } from "./auth-outcome";
import type { EnrolledTotp } from "./factors/enrolled-totp";
import type { TotpCodeCheck } from "./factors/totp";
import type { Identity } from "./identity";
import { AccountExistsError, type IdentityAdmin, type IdentityProvider, type SignUpInput } from "./identity-provider";
import type { LoginHandles } from "./login/login-handles";
import type { LoginMachine } from "./login/login-machine";
import { internalError, tokensOf, type TokenRelease } from "./login/token-release";
import type { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";
import { signOutEverywhere } from "./sign-out-everywhere";

/** What the login flows (AuthService, MfaEnrolment) share. */
export type LoginFlowDeps = {
  idp: IdentityProvider;
  admin: Pick<IdentityAdmin, "setPassword">;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  handles: LoginHandles;
  machine: LoginMachine;
  release: TokenRelease;
  sessions: SessionRegistry;
  lockout: Lockout;
  passwords: Passwords;
  codes: CodeGuard;
  totp: TotpCodeCheck;
  /** The gateway's sealed copy of each enrolled TOTP secret: a code must match it too. */
  enrolledTotp: Pick<EnrolledTotp, "assertNotContradicted" | "remember" | "codeOf">;
  epoch: SecurityEpoch;
  access: AccessStateReader;
  /** Tests only: how long the existence answers take at least (default uniformAnswerFloorMs). */
  answerFloorMs?: number | undefined;
};

/**
 * Sign-up and login. MFA is mandatory: tokens reach a client only through TokenRelease, after a TOTP code
 * was checked in this login — whether Cognito runs the MFA_SETUP challenge itself (real pools with MFA ON)
 * or the gateway holds the first tokens until enrolment is verified (cognito-local, optional-MFA pools).
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
    return this.run(meta, { event: "LOGIN", outcome: "CHALLENGE" }, async () => {
      const startedAt = this.deps.machine.begin();
      const answer = await this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, password));
      return this.deps.machine.afterPassword("PASSWORD", answer, email, startedAt);
    });
  }

  /** Answers NEW_PASSWORD_REQUIRED (admin-created users); MFA enrolment follows as for everyone. */
  completeNewPassword(handle: string, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "NEW_PASSWORD", outcome: "CHALLENGE" }, async () => {
      const state = await this.deps.handles.take(handle, "NEW_PASSWORD_REQUIRED");
      const digest = await this.deps.passwords.assertAcceptable(state.username, state.email, newPassword);
      const answer = await this.deps.idp.answerNewPasswordRequired(state.username, state.session, newPassword);
      await this.deps.passwords.recordSet(state.username, digest);
      return this.deps.machine.afterPassword("NEW_PASSWORD_REQUIRED", answer, state.email, state.mark.startedAt);
    });
  }

  respondToMfa(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "MFA_CHALLENGE", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "SOFTWARE_TOKEN_MFA");
      const answer = await this.deps.totp.forHandle(handle, state, code, meta, async () => {
        // An authenticator replaced at Cognito behind the gateway's back (its public API takes the access token
        // alone) does not sign in: the code must also be one of the secret the owner enrolled here.
        await this.deps.enrolledTotp.assertNotContradicted(state.username, code);
        return this.deps.idp.answerSoftwareTokenMfa(state.username, state.session, code);
      });
      return this.deps.release.release(tokensOf(answer), { from: "SOFTWARE_TOKEN_MFA", email: state.email, mark: state.mark, proven: [...state.proven, "totp"] }, meta);
    });
  }

  /**
   * Answers PASSWORD_EXPIRED, which comes only after both factors. The current password is proven again,
   * whatever the login proved: a passkey alone reaches this step without it, and whoever holds a passkey must
   * not choose the next password. Then the new password is set, every other session of the account ends
   * (the old password may be known to someone else), and the held tokens go out.
   */
  completeExpiredPassword(handle: string, currentPassword: string | undefined, newPassword: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "PASSWORD_EXPIRED_CHANGE", outcome: "SUCCESS" }, async () => {
      if (currentPassword === undefined) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "CURRENT_PASSWORD_REQUIRED" }, "Enter the password that expired, then the new one.");
      const { username: sub, email, tokens, proven } = await this.deps.handles.take(handle, "PASSWORD_EXPIRED");
      if (newPassword === currentPassword) throw new GatewayError(ErrorCode.PASSWORD_POLICY_VIOLATION, { rules: ["differentFromCurrent"] });
      const digest = await this.deps.passwords.assertAcceptable(sub, email, newPassword);
      // Any answer but a refusal proves the password (an MFA challenge is left unanswered); a wrong one counts like a failed login.
      await this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, currentPassword));
      await this.deps.admin.setPassword(sub, newPassword);
      await this.deps.passwords.recordSet(sub, digest);
      const ended = await signOutEverywhere(this.deps, sub);
      const mark = await this.deps.epoch.mark(sub, this.deps.machine.begin());
      const released = await this.deps.release.release(tokens, { from: "PASSWORD_EXPIRED", email, mark, proven, passwordJustSet: true }, meta);
      return { ...released, audit: { ...released.audit, reason: `OTHER_SESSIONS_ENDED:${ended}` } };
    });
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
  async logout(identity: Identity | undefined, refreshToken: string | undefined, meta: RequestMeta): Promise<void> {
    const byRefresh = refreshToken ? await this.deps.sessions.findByRefreshToken(refreshToken) : undefined;
    const sub = identity?.sub ?? byRefresh?.sub;
    if (!sub) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
    const event: AuditEvent = { event: "LOGOUT", outcome: "SUCCESS", subject: sub, sessionId: identity?.sessionId ?? byRefresh?.sessionId };
    return this.run(meta, event, async () => {
      if (identity) await this.deps.sessions.end(identity.sessionId);
      if (byRefresh && byRefresh.sub === sub) await this.deps.sessions.end(byRefresh.sessionId);
      if (!refreshToken) return { result: undefined };
      return { result: undefined, audit: await bestEffort(() => this.deps.idp.revokeRefreshToken(refreshToken), "PROVIDER_REVOKE") };
    }, { protected: true });
  }
}
