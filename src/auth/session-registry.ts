import { epochSeconds, type Clock } from "../shared/clock";
import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import { tokenSessionKey, type AccessClaims } from "./token-claims";

/**
 * The gateway's record of the login sessions it issued. An access token is accepted only while
 * `live:<its session key>` exists: logout deletes those keys, so the token stops working at once, and a
 * store that lost its data (a restarted memory store) fails closed instead of forgetting a logout.
 *
 * Real Cognito keeps `origin_jti` stable across refreshes (one live key per session); cognito-local
 * gives each refreshed token a new `jti`, so the session lists every key it made.
 */
type SessionRecord = { sub: string; tokenKeys: string[]; refreshDigests: string[] };
type RefreshRecord = { sub: string; sessionId: string };

export type LiveSession = { sessionId: string; sub: string };

const sessionKey = (sessionId: string) => `session:${sessionId}`;
const liveKey = (tokenKey: string) => `live:${tokenKey}`;
const refreshKey = (refreshToken: string) => `refresh:${sha256(refreshToken)}`;

export class SessionRegistry {
  constructor(private readonly deps: { store: StateStore; clock: Clock; sessionMaxAgeSeconds: number }) {}

  private secondsUntil(exp: number): number {
    return Math.max(1, exp - epochSeconds(this.deps.clock));
  }

  /** The key the per-request check reads for a verified access token. */
  static liveKeyFor(claims: Pick<AccessClaims, "jti" | "originJti">): string {
    return liveKey(tokenSessionKey(claims));
  }

  async open(claims: AccessClaims, refreshToken: string | undefined): Promise<string> {
    const sessionId = tokenSessionKey(claims);
    const { store, sessionMaxAgeSeconds: ttl } = this.deps;
    const record: SessionRecord = { sub: claims.sub, tokenKeys: [sessionId], refreshDigests: [] };
    if (refreshToken) {
      record.refreshDigests.push(refreshKey(refreshToken));
      await store.set(refreshKey(refreshToken), JSON.stringify({ sub: claims.sub, sessionId } satisfies RefreshRecord), ttl);
    }
    await store.set(sessionKey(sessionId), JSON.stringify(record), ttl);
    await store.set(liveKey(sessionId), sessionId, claims.originJti ? ttl : this.secondsUntil(claims.exp));
    return sessionId;
  }

  /** The live session a refresh token belongs to, or undefined when it is unknown or logged out. */
  async findByRefreshToken(refreshToken: string): Promise<LiveSession | undefined> {
    const raw = await this.deps.store.get(refreshKey(refreshToken));
    if (raw === undefined) return undefined;
    const { sub, sessionId } = JSON.parse(raw) as RefreshRecord;
    return (await this.deps.store.get(sessionKey(sessionId))) === undefined ? undefined : { sub, sessionId };
  }

  /** Records a refreshed access token (and a rotated refresh token). False when the session ended meanwhile. */
  async extend(sessionId: string, claims: AccessClaims, rotatedRefreshToken: string | undefined): Promise<boolean> {
    const { store, sessionMaxAgeSeconds: ttl } = this.deps;
    const raw = await store.get(sessionKey(sessionId));
    if (raw === undefined) return false;
    const record = JSON.parse(raw) as SessionRecord;
    const tokenKey = tokenSessionKey(claims);
    if (!record.tokenKeys.includes(tokenKey)) record.tokenKeys.push(tokenKey);
    if (rotatedRefreshToken) {
      record.refreshDigests.push(refreshKey(rotatedRefreshToken));
      await store.set(refreshKey(rotatedRefreshToken), JSON.stringify({ sub: claims.sub, sessionId } satisfies RefreshRecord), ttl);
    }
    await store.set(sessionKey(sessionId), JSON.stringify(record), ttl);
    await store.set(liveKey(tokenKey), sessionId, claims.originJti ? ttl : this.secondsUntil(claims.exp));
    // A logout that ran between our read and write would have missed this token: check again and undo.
    if ((await store.get(sessionKey(sessionId))) === undefined) {
      await store.delete(liveKey(tokenKey));
      return false;
    }
    return true;
  }

  /** Ends a session: every access token of it stops working and its refresh tokens are forgotten. */
  async end(sessionId: string): Promise<{ sub: string } | undefined> {
    const { store } = this.deps;
    const raw = await store.take(sessionKey(sessionId));
    await store.delete(liveKey(sessionId));
    if (raw === undefined) return undefined;
    const record = JSON.parse(raw) as SessionRecord;
    await Promise.all([...record.tokenKeys.map((k) => store.delete(liveKey(k))), ...record.refreshDigests.map((k) => store.delete(k))]);
    return { sub: record.sub };
  }
}
