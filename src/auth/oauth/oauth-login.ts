import { timingSafeEqual } from "node:crypto";
import type { AuditEvent, RequestMeta } from "../../audit/audit-event";
import type { AuditLog } from "../../audit/audit-log";
import { audited, bestEffort, type Audited } from "../../audit/audited";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { randomHandle, sha256 } from "../../shared/digest";
import type { StateStore } from "../../store/state-store";
import { z } from "zod";
import { parseStoredRecord, recordSchema } from "../../shared/stored-record";
import type { AuthOutcome } from "../auth-outcome";
import type { IdentityProvider, ProviderTokens } from "../identity-provider";
import type { HostedCompletion } from "../login/hosted-release";
import type { SessionRegistry } from "../session-registry";
import type { AccessClaims } from "../token-claims";
import type { SecurityEpoch } from "../../policy/security-epoch";
import { OAuthRejection, oauthRejected, type OAuthClient } from "./oauth-client";

/** How far the gateway's clock and the pool's may be apart (NTP keeps them within milliseconds). */
const clockSkewMs = 2000;

/** state, nonce and PKCE verifier live at most this long, and are used once. */
export const pendingLoginTtlSeconds = 300;

/** `binding`: the digest of the cookie that ties the login to the browser that began it (login-binding.ts). */
type PendingLogin = { nonce: string; codeVerifier: string; returnTo: string; binding: string };
const pendingLogin = recordSchema<PendingLogin>()(z.object({ nonce: z.string(), codeVerifier: z.string(), returnTo: z.string(), binding: z.string() }));

export type OAuthLoginDeps = {
  client: OAuthClient;
  store: Pick<StateStore, "set" | "take" | "get">;
  audit: Pick<AuditLog, "record">;
  /** The login machine's hosted entry: the access policy first, then the one release (account, TOTP, session, idle). */
  completion: HostedCompletion;
  idp: Pick<IdentityProvider, "getProfile">;
  sessions: Pick<SessionRegistry, "end">;
  epoch: Pick<SecurityEpoch, "changedSince">;
  /** The gateway's bearer-token verifier (context/token-verifier.ts), typed here so auth/ does not import context/. */
  verifier: { verify(token: string): Promise<AccessClaims> };
  settings: { callbackUrl: string | undefined; returnTo: readonly string[]; redirectUris: readonly string[]; signOutUrl: string };
};

export type CompletedLogin = { tokens: ProviderTokens; sessionId: string; sub: string };

const sameDigest = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const pendingKey = (state: string) => `oauth-pending:${sha256(state)}`;

/** Shaped like the schema's validation errors: the field and the rule, never the value. */
export const notAllowListed = (field: string) => new GatewayError(ErrorCode.BAD_USER_INPUT, { fields: [{ field, rules: ["allowList"] }] });

/** Exact string match against the configured list: no prefix, no normalisation, no open redirect. */
const allowListed = (list: readonly string[], value: string): boolean => list.includes(value);

/**
 * Hosted login (OAuth 2.0 authorization-code flow with PKCE). Both ways in end at the same seam as a
 * GraphQL login, after checks of our own: the access token must pass the gateway's verifier, the account
 * must not be locked and must have TOTP enrolled. Anything refused after the pool issued tokens has its
 * refresh token revoked, so nothing usable is left behind.
 */
export class OAuthLogin {
  constructor(private readonly deps: OAuthLoginDeps) {}

  get browserFlow(): boolean {
    return this.deps.settings.callbackUrl !== undefined;
  }

  logoutUrl(): string {
    return this.deps.client.logoutUrl(this.deps.settings.signOutUrl);
  }

  /**
   * Browser apps: where to send the browser. `returnTo` must be listed; none = the first listed page.
   * `binding` is the digest of the cookie set on this browser; only that browser may finish the login.
   */
  async begin(returnTo: string | undefined, binding: string): Promise<string> {
    const { callbackUrl, returnTo: allowed } = this.deps.settings;
    if (callbackUrl === undefined) throw new GatewayError(ErrorCode.BAD_REQUEST, { reason: "HOSTED_LOGIN_NOT_CONFIGURED" });
    const target = returnTo ?? allowed[0];
    if (target === undefined || !allowListed(allowed, target)) throw notAllowListed("returnTo");
    const state = randomHandle();
    const pending: PendingLogin = { nonce: randomHandle(), codeVerifier: randomHandle(), returnTo: target, binding };
    await this.deps.store.set(pendingKey(state), JSON.stringify(pending), pendingLoginTtlSeconds);
    return this.deps.client.authorizationUrl({ redirectUri: callbackUrl, state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
  }

  /**
   * Browser apps: the pool's redirect back. The state is taken (single use) before anything else, and is
   * accepted only with the binding of the browser that began the login (`binding`: its cookie's digest).
   */
  callback(response: URLSearchParams, meta: RequestMeta, binding: string | undefined): Promise<CompletedLogin & { returnTo: string }> {
    return this.run(meta, async (event) => {
      const { callbackUrl } = this.deps.settings;
      const state = response.get("state");
      const raw = callbackUrl !== undefined && state ? await this.deps.store.take(pendingKey(state)) : undefined;
      // A corrupt pending login is refused like an unknown state.
      const pending = parseStoredRecord(pendingLogin, raw);
      if (pending === undefined || callbackUrl === undefined || state === null) throw oauthRejected(OAuthRejection.STATE_INVALID);
      if (binding === undefined || !sameDigest(pending.binding, binding)) throw oauthRejected(OAuthRejection.STATE_INVALID);
      const tokens = await this.deps.client.redeem({ response, redirectUri: callbackUrl, codeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce });
      const done = await this.finish(tokens, meta, event);
      return { ...done, result: { ...done.result, returnTo: pending.returnTo } };
    });
  }

  /** Native and single-page apps that ran PKCE themselves: the gateway redeems their code and opens the session. */
  exchange(input: { code: string; codeVerifier: string; redirectUri: string; nonce: string | undefined }, meta: RequestMeta): Promise<AuthOutcome> {
    return this.run(meta, async (event) => {
      if (!allowListed(this.deps.settings.redirectUris, input.redirectUri)) throw notAllowListed("redirectUri");
      const response = new URLSearchParams({ code: input.code });
      const tokens = await this.deps.client.redeem({ response, redirectUri: input.redirectUri, codeVerifier: input.codeVerifier, expectedState: undefined, expectedNonce: input.nonce });
      const done = await this.finish(tokens, meta, event);
      return { ...done, result: { tokens: done.result.tokens } };
    });
  }

  /**
   * Ends a hosted-login session: the browser's cookie and the session at the gateway first (effective at once),
   * then the refresh token at the pool. Like the bearer logout it never waits on the audit sink (its record
   * goes to the spool), and nothing ends before its record is written.
   */
  logout(session: { sessionId: string; sub: string; refreshToken: string | undefined }, meta: RequestMeta, forgetCookie: () => Promise<unknown>): Promise<void> {
    const event: AuditEvent = { event: "LOGOUT", outcome: "SUCCESS", subject: session.sub, sessionId: session.sessionId };
    return audited(this.deps.audit, meta, event, async () => {
      // The session first: should forgetting the cookie fail, the session is ended all the same.
      await this.deps.sessions.end(session.sessionId);
      await forgetCookie();
      const { refreshToken } = session;
      return { result: undefined, audit: refreshToken ? await bestEffort(() => this.deps.client.revoke(refreshToken), "PROVIDER_REVOKE") : {} };
    }, { protected: true });
  }

  /** `event` is written when the attempt ends; once the account is known it names it, refused or not. */
  private run<T>(meta: RequestMeta, operation: (event: AuditEvent) => Promise<Audited<T>>): Promise<T> {
    const event: AuditEvent = { event: "OAUTH_LOGIN", outcome: "SUCCESS" };
    return audited(this.deps.audit, meta, event, () => operation(event));
  }

  private async finish(tokens: ProviderTokens, meta: RequestMeta, event: AuditEvent): Promise<Audited<CompletedLogin>> {
    try {
      // The same checks as any bearer token: our pool's signature, issuer, token use and our client id.
      const claims = await this.deps.verifier.verify(tokens.accessToken);
      event.subject = claims.sub;
      // The pool's session cookie signs a browser in again without asking, and no sign-out everywhere clears it:
      // a sign-in older than the account's last security change (the owner's undo of a thief's email change,
      // a reset, a sign-out everywhere) opens nothing. Cognito's ID tokens always carry auth_time, in whole
      // seconds: a change within the sign-in's own second, or up to the clocks' skew before it, counts as after
      // it (which came first cannot be told; a sign-in made right after a change is asked again once, never one
      // made before it let through).
      const { authTime } = tokens;
      if (authTime === undefined || (await this.deps.epoch.changedSince(claims.sub, authTime * 1000 - clockSkewMs - 1))) throw oauthRejected(OAuthRejection.LOGIN_REQUIRED);
      await this.deps.completion.admit(claims.sub);
      // Hosted login may let a user in without TOTP (pool MFA optional): the gateway does not.
      const profile = await this.deps.idp.getProfile(tokens.accessToken);
      if (!profile.mfaEnabled) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "MFA_NOT_ENROLLED" });
      const { result, audit, sessionId, sub } = await this.deps.completion.complete(tokens, profile.email, meta);
      return { result: { tokens: result.tokens ?? tokens, sessionId, sub }, audit };
    } catch (error) {
      const { refreshToken } = tokens;
      if (refreshToken) await bestEffort(() => this.deps.client.revoke(refreshToken), "PROVIDER_REVOKE");
      throw error;
    }
  }
}
