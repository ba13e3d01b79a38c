import type { RequestMeta } from "../audit/audit-event";
import type { Audited } from "../audit/audited";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { IdleTimeout } from "../policy/idle-timeout";
import type { Lockout } from "../policy/lockout";
import type { PasswordRotation } from "../policy/password-rotation";
import type { StateStore } from "../store/state-store";
import { readFlags, saveAccount } from "./account-records";
import type { AuthOutcome } from "./auth-outcome";
import type { IdentityProvider, ProviderAuthResult, ProviderTokens } from "./identity-provider";
import type { SessionRegistry } from "./session-registry";
import { decodeIssuedAccessToken } from "./token-claims";

export const internalError = (what: string) => new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, {}, undefined, new Error(what));

/** Tokens from an answer that must carry them (after MFA there is no further challenge). */
export const tokensOf = (answer: ProviderAuthResult): ProviderTokens => {
  if (answer.kind !== "tokens") throw internalError(`unexpected ${answer.name} challenge after MFA`);
  return answer.tokens;
};

export type LoginCompletionDeps = {
  idp: Pick<IdentityProvider, "getProfile">;
  store: StateStore;
  sessions: SessionRegistry;
  idle: IdleTimeout;
  lockout: Pick<Lockout, "succeeded">;
  rotation: Pick<PasswordRotation, "startIfUnknown">;
  sessionMaxAgeSeconds: number;
};

/** The last step of every login: record the account and the session, then release the tokens. */
export class LoginCompletion {
  constructor(private readonly deps: LoginCompletionDeps) {}

  async complete(tokens: ProviderTokens, meta: RequestMeta): Promise<Audited<AuthOutcome> & { sessionId: string; sub: string }> {
    const { idp, store, sessions, idle, lockout, rotation, sessionMaxAgeSeconds } = this.deps;
    const claims = decodeIssuedAccessToken(tokens.accessToken);
    const profile = await idp.getProfile(tokens.accessToken);
    if (!profile.mfaEnabled) throw internalError("tokens reached the end of a login without TOTP enabled");
    // Disabled by an administrator: refused like a wrong password, as real Cognito does.
    if ((await readFlags(store, claims.sub)).disabled) throw new GatewayError(ErrorCode.INVALID_CREDENTIALS);
    await saveAccount(store, profile, claims.groups, sessionMaxAgeSeconds);
    await Promise.all([lockout.succeeded(profile.email), rotation.startIfUnknown(claims.sub)]);
    const sessionId = await sessions.open(claims, tokens.refreshToken, meta);
    await idle.start(sessionId);
    return { result: { tokens }, sessionId, sub: claims.sub, audit: { subject: claims.sub, sessionId, clientId: claims.clientId } };
  }
}
