import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import { audited, type Audited } from "../audit/audited";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { EpochMark } from "../policy/security-epoch";
import type { AuthOutcome, MfaEnrolment as Enrolment } from "./auth-outcome";
import type { LoginFlowDeps } from "./auth-service";
import { otpauthUri, qrCodeDataUrl } from "./factors/totp-codes";
import type { Identity } from "./identity";
import type { ProviderTokens } from "./identity-provider";
import { codeAttemptsPerHandle, type EnrolmentVia, type LoginStep, type ProvenFactor } from "./login/login-stages";
import { tokensOf } from "./login/token-release";
import { signOutEverywhere } from "./sign-out-everywhere";

export type MfaEnrolmentDeps = LoginFlowDeps & { totpIssuer: string };

const credentialOf = (via: EnrolmentVia) => (via.kind === "held" ? { accessToken: via.tokens.accessToken } : { session: via.session });

type Pending = { email: string; username: string; via: EnrolmentVia; purpose: "enrol" | "reset"; mark: EpochMark; proven: ProvenFactor[] };

/** TOTP enrolment: at first login (MFA_SETUP) and when a signed-in user replaces their authenticator. */
export class MfaEnrolment {
  constructor(private readonly deps: MfaEnrolmentDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: () => Promise<Audited<T>>): Promise<T> {
    return audited(this.deps.audit, meta, event, operation);
  }

  /** Asks the provider for a new secret and hands the client a handle to verify it with. */
  private async associate(from: LoginStep, state: Pending): Promise<Enrolment> {
    const { via } = state;
    const { secret, session } = await this.deps.idp.associateSoftwareToken(credentialOf(via));
    const nextVia: EnrolmentVia = via.kind === "held" ? via : { kind: "session", session: session ?? via.session };
    const next = await this.deps.handles.create(from, { ...state, stage: "MFA_SETUP_VERIFY", via: nextVia, attemptsLeft: codeAttemptsPerHandle, secret });
    const uri = otpauthUri(this.deps.totpIssuer, state.email, secret);
    return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri), session: next };
  }

  beginMfaSetup(handle: string, meta: RequestMeta): Promise<Enrolment> {
    return this.run(meta, { event: "MFA_SETUP_BEGIN", outcome: "SUCCESS" }, async () => {
      const { stage: _stage, expiresAt: _expires, ...state } = await this.deps.handles.take(handle, "MFA_SETUP");
      return { result: await this.associate("MFA_SETUP", { ...state, purpose: "enrol" }), audit: { subject: state.username } };
    });
  }

  completeMfaSetup(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "MFA_SETUP_COMPLETE", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "MFA_SETUP_VERIFY");
      const { via, purpose } = state;
      const verified = await this.deps.totp.forHandle(handle, state, code, meta, async () => {
        // The code must be one of the secret this ceremony handed out: VerifySoftwareToken checks whatever secret
        // was associated last, which the access token's holder can replace at Cognito directly.
        if (state.secret !== undefined && !this.deps.enrolledTotp.codeOf(state.secret, code)) throw new GatewayError(ErrorCode.CODE_MISMATCH);
        return this.deps.idp.verifySoftwareToken(credentialOf(via), code);
      });
      let tokens: ProviderTokens;
      if (via.kind === "held") tokens = via.tokens;
      else tokens = tokensOf(await this.deps.idp.answerMfaSetup(state.username, verified.session ?? via.session));
      // The authenticator changes only while the login is still current (nothing moved the epoch meanwhile).
      await this.deps.epoch.assertCurrent(state.username, state.mark);
      await this.deps.idp.enableSoftwareTokenMfa(tokens.accessToken);
      // The gateway's own sealed copy: step-up codes are checked against what the owner enrolled here.
      if (state.secret !== undefined) await this.deps.enrolledTotp.remember(state.username, state.secret);
      const done = await this.deps.release.release(tokens, { from: "MFA_SETUP_VERIFY", email: state.email, mark: state.mark, proven: [...state.proven, "totp"] }, meta);
      if (purpose !== "reset" || done.sessionId === undefined) return done;
      // A replaced authenticator may be in someone else's hands: every other session and pending login ends.
      await signOutEverywhere(this.deps, done.sub, done.sessionId);
      return { ...done, audit: { ...done.audit, reason: "MFA_RESET" } };
    });
  }

  /**
   * A signed-in user replaces their authenticator. They prove the password and a code from the current
   * one (a fresh login through the provider); the new secret then has to be confirmed with
   * completeMfaSetup, which starts a new session. MFA can never be switched off.
   */
  resetMfa(identity: Identity, currentPassword: string, code: string, meta: RequestMeta): Promise<Enrolment> {
    const event: AuditEvent = { event: "MFA_RESET_BEGIN", outcome: "SUCCESS", subject: identity.sub, sessionId: identity.sessionId };
    return this.run(meta, event, async () => {
      const email = identity.account.email;
      const startedAt = this.deps.machine.begin();
      const answer = await this.deps.lockout.guard(email, meta, () => this.deps.idp.passwordAuth(email, currentPassword));
      if (answer.kind !== "challenge" || answer.name !== "SOFTWARE_TOKEN_MFA") throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
      const mark = await this.deps.epoch.mark(answer.username, startedAt);
      const tokens = await this.deps.totp.standalone(email, code, meta, async () => {
        // A secret associated at Cognito behind the gateway's back must not become the new enrolled one.
        await this.deps.enrolledTotp.assertNotContradicted(answer.username, code);
        return tokensOf(await this.deps.idp.answerSoftwareTokenMfa(answer.username, answer.session, code));
      });
      const pending: Pending = { email, username: answer.username, via: { kind: "held", tokens }, purpose: "reset", mark, proven: ["password", "totp"] };
      return { result: await this.associate("RE_ENROL", pending) };
    });
  }
}
