import type { AuditEvent, RequestMeta } from "../audit/audit-event";
import { audited } from "../audit/audited";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { AuthOutcome, MfaEnrolment as Enrolment } from "./auth-outcome";
import type { LoginFlowDeps } from "./auth-service";
import { codeAttemptsPerHandle, type EnrolmentVia } from "./challenge-handles";
import type { Identity } from "./identity";
import type { ProviderTokens } from "./identity-provider";
import { tokensOf } from "./login-completion";
import { claimTotpCode, otpauthUri, qrCodeDataUrl } from "./totp";

export type MfaEnrolmentDeps = LoginFlowDeps & { totpIssuer: string };

const credentialOf = (via: EnrolmentVia) => (via.kind === "held" ? { accessToken: via.tokens.accessToken } : { session: via.session });

/** TOTP enrolment: at first login (MFA_SETUP) and when a signed-in user replaces their authenticator. */
export class MfaEnrolment {
  constructor(private readonly deps: MfaEnrolmentDeps) {}

  private run<T>(meta: RequestMeta, event: AuditEvent, operation: Parameters<typeof audited<T>>[3]): Promise<T> {
    return audited(this.deps.audit, meta, event, operation);
  }

  /** Asks the provider for a new secret and hands the client a handle to verify it with. */
  private async associate(state: { email: string; username: string; via: EnrolmentVia; purpose: "enrol" | "reset" }): Promise<Enrolment> {
    const { via } = state;
    const { secret, session } = await this.deps.idp.associateSoftwareToken(credentialOf(via));
    const nextVia: EnrolmentVia = via.kind === "held" ? via : { kind: "session", session: session ?? via.session };
    const next = await this.deps.handles.create({ ...state, stage: "MFA_SETUP_VERIFY", via: nextVia, attemptsLeft: codeAttemptsPerHandle });
    const uri = otpauthUri(this.deps.totpIssuer, state.email, secret);
    return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri), session: next };
  }

  beginMfaSetup(handle: string, meta: RequestMeta): Promise<Enrolment> {
    return this.run(meta, { event: "MFA_SETUP_BEGIN", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "MFA_SETUP");
      return { result: await this.associate({ ...state, purpose: "enrol" }) };
    });
  }

  completeMfaSetup(handle: string, code: string, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, { event: "MFA_SETUP_COMPLETE", outcome: "SUCCESS" }, async () => {
      const state = await this.deps.handles.take(handle, "MFA_SETUP_VERIFY");
      const { via, purpose } = state;
      const verified = await this.deps.lockout.guardCode(state.email, meta, async () => {
        await claimTotpCode(this.deps.store, state.email.toLowerCase(), code);
        return this.deps.handles.retryOnWrongCode(handle, state, () => this.deps.idp.verifySoftwareToken(credentialOf(via), code));
      });
      let tokens: ProviderTokens;
      if (via.kind === "held") tokens = via.tokens;
      else tokens = tokensOf(await this.deps.idp.answerMfaSetup(state.username, verified.session ?? via.session));
      await this.deps.idp.enableSoftwareTokenMfa(tokens.accessToken);
      const done = await this.deps.completion.complete(tokens, meta);
      // A replaced authenticator may be in someone else's hands: every other session ends.
      if (purpose === "reset") await this.deps.sessions.endAll(done.sub, done.sessionId);
      return { ...done, audit: { ...done.audit, reason: purpose === "reset" ? "MFA_RESET" : undefined } };
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
      const answer = await this.deps.lockout.guardPassword(email, meta, () => this.deps.idp.passwordAuth(email, currentPassword));
      if (answer.kind !== "challenge" || answer.name !== "SOFTWARE_TOKEN_MFA") throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
      const tokens = await this.deps.lockout.guardCode(email, meta, async () => {
        await claimTotpCode(this.deps.store, email.toLowerCase(), code);
        return tokensOf(await this.deps.idp.answerSoftwareTokenMfa(answer.username, answer.session, code));
      });
      return { result: await this.associate({ email, username: answer.username, via: { kind: "held", tokens }, purpose: "reset" }) };
    });
  }
}
