import { IdleTimeout } from "../policy/idle-timeout";
import { lockedKey, lockedSubKey } from "../policy/lockout";
import { PasswordRotation } from "../policy/password-rotation";
import type { AccessState } from "../policy/access-policy";
import { readNamed, type StateStore } from "../store/state-store";
import { accountKey, flagsKey, parseAccount, parseFlags, type AccountRecord } from "./account-records";
import { SessionRegistry, sessionRecordKey } from "./session-registry";
import { tokenSessionKey, type AccessClaims } from "./token-claims";

export type TokenAccess = {
  state: AccessState;
  /** The gateway session the token belongs to (undefined when the session is not live). */
  sessionId: string | undefined;
  account: AccountRecord | undefined;
  /** The session's last recorded activity (undefined: idle). */
  lastActive: string | undefined;
};

/**
 * Reads, in one store round trip, everything the access policy needs about a token or a session: is the
 * session live and not idle, is the account disabled, locked or due a password change.
 */
export class AccessStateReader {
  constructor(private readonly deps: { store: Pick<StateStore, "getMany" | "get">; rotation: Pick<PasswordRotation, "isExpired">; idle: Pick<IdleTimeout, "isIdle"> }) {}

  private accountKeys(sub: string) {
    return { account: accountKey(sub), flags: flagsKey(sub), locked: lockedSubKey(sub), passwordSetAt: PasswordRotation.key(sub) };
  }

  private stateOf(sub: string, sessionLive: boolean, lastActive: string | undefined, groups: readonly string[], values: { flags: string | undefined; locked: string | undefined; passwordSetAt: string | undefined }): AccessState {
    return {
      sub,
      sessionLive,
      idle: sessionLive && this.deps.idle.isIdle(lastActive),
      disabled: parseFlags(values.flags).disabled,
      locked: values.locked !== undefined,
      passwordExpired: this.deps.rotation.isExpired(values.passwordSetAt),
      groups,
    };
  }

  /** For a verified access token (the per-request check). */
  async forToken(claims: AccessClaims): Promise<TokenAccess> {
    const tokenKey = tokenSessionKey(claims);
    const values = await readNamed(this.deps.store, {
      sessionId: SessionRegistry.liveKeyFor(claims),
      tokenActivity: IdleTimeout.key(tokenKey),
      ...this.accountKeys(claims.sub),
    });
    const account = parseAccount(values.account);
    const sessionId = values.sessionId;
    // A session the gateway does not know (ended, or a store that lost its state) is not live.
    const sessionLive = sessionId !== undefined && account !== undefined;
    // cognito-local's refreshed tokens have their own jti: their session's activity is under the first one.
    const lastActive = !sessionLive || sessionId === tokenKey ? values.tokenActivity : await this.deps.store.get(IdleTimeout.key(sessionId));
    return { state: this.stateOf(claims.sub, sessionLive, lastActive, claims.groups, values), sessionId: sessionLive ? sessionId : undefined, account, lastActive };
  }

  /**
   * For an account in the middle of a login (no session yet): its flags, its lock — by account and, once the
   * email is known, by the email as typed (a first login's lock has no account to point at) — and its password age.
   */
  async forLogin(sub: string, email: string | undefined, groups: readonly string[]): Promise<AccessState> {
    const values = await readNamed(this.deps.store, { ...this.accountKeys(sub), emailLock: email === undefined ? lockedSubKey(sub) : lockedKey(email) });
    const state = this.stateOf(sub, false, undefined, groups, values);
    return { ...state, locked: state.locked || values.emailLock !== undefined };
  }

  /** For a session found by its refresh token (refreshTokens, cookie sessions). */
  async forSession(sub: string, sessionId: string, groups: readonly string[]): Promise<AccessState> {
    const values = await readNamed(this.deps.store, { session: sessionRecordKey(sessionId), activity: IdleTimeout.key(sessionId), ...this.accountKeys(sub) });
    return this.stateOf(sub, values.session !== undefined, values.activity, groups, values);
  }
}
