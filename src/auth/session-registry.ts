import type { RequestMeta } from "../audit/audit-event";
import { epochSeconds, type Clock } from "../shared/clock";
import { sha256 } from "../shared/digest";
import type { StateStore } from "../store/state-store";
import { z } from "zod";
import { parseStoredRecord, recordSchema } from "../shared/stored-record";
import { tokenSessionKey, type AccessClaims } from "./token-claims";

/**
 * The gateway's record of the login sessions it issued. An access token is accepted only while
 * `live:<its session key>` exists: ending a session deletes those keys, so its tokens stop working at
 * once, and a store that lost its data (a restarted memory store) fails closed instead of forgetting.
 *
 * Real Cognito keeps `origin_jti` stable across refreshes (one live key per session); cognito-local
 * gives each refreshed token a new `jti`, so the session lists every key it made.
 */
type SessionRecord = { sub: string; tokenKeys: string[]; refreshDigests: string[]; createdAt: number; ip: string | null; userAgent: string | null };
type RefreshRecord = { sub: string; sessionId: string };
// A corrupt record reads as absent: the refresh token or session it stood for is refused (fails closed).
const sessionRecord = recordSchema<SessionRecord>()(
  z.object({ sub: z.string(), tokenKeys: z.array(z.string()), refreshDigests: z.array(z.string()), createdAt: z.number(), ip: z.string().nullable(), userAgent: z.string().nullable() }),
);
const refreshRecord = recordSchema<RefreshRecord>()(z.object({ sub: z.string(), sessionId: z.string() }));

export type LiveSession = { sessionId: string; sub: string };
export type SessionSummary = { id: string; createdAt: number; ip: string | null; userAgent: string | null };

export const sessionRecordKey = (sessionId: string) => `session:${sessionId}`;
const sessionKey = sessionRecordKey;
const liveKey = (tokenKey: string) => `live:${tokenKey}`;
const refreshKey = (refreshToken: string) => `refresh:${sha256(refreshToken)}`;
const userSessionsKey = (sub: string) => `user-sessions:${sub}`;

export class SessionRegistry {
  constructor(private readonly deps: { store: StateStore; clock: Clock; sessionMaxAgeSeconds: number }) {}

  /** The key the per-request check reads for a verified access token. */
  static liveKeyFor(claims: Pick<AccessClaims, "jti" | "originJti">): string {
    return liveKey(tokenSessionKey(claims));
  }

  private async remember(sessionId: string, claims: AccessClaims, refreshToken: string | undefined, record: SessionRecord): Promise<void> {
    const { store, sessionMaxAgeSeconds: ttl } = this.deps;
    const tokenKey = tokenSessionKey(claims);
    if (!record.tokenKeys.includes(tokenKey)) record.tokenKeys.push(tokenKey);
    if (refreshToken) {
      record.refreshDigests.push(refreshKey(refreshToken));
      await store.set(refreshKey(refreshToken), JSON.stringify({ sub: claims.sub, sessionId } satisfies RefreshRecord), ttl);
    }
    await store.set(sessionKey(sessionId), JSON.stringify(record), ttl);
    // Token expiry is aws-jwt-verify's check; the live key only has to go when the session does.
    await store.set(liveKey(tokenKey), sessionId, ttl);
  }

  async open(claims: AccessClaims, refreshToken: string | undefined, meta: RequestMeta): Promise<string> {
    const sessionId = tokenSessionKey(claims);
    const record: SessionRecord = { sub: claims.sub, tokenKeys: [], refreshDigests: [], createdAt: epochSeconds(this.deps.clock), ip: meta.ip ?? null, userAgent: meta.userAgent ?? null };
    await this.deps.store.addToSet(userSessionsKey(claims.sub), sessionId, this.deps.sessionMaxAgeSeconds);
    await this.remember(sessionId, claims, refreshToken, record);
    return sessionId;
  }

  /** The live session a verified access token belongs to, from the ephemeral tier alone (what a logout needs). */
  async sessionOfToken(claims: Pick<AccessClaims, "jti" | "originJti">): Promise<string | undefined> {
    return this.deps.store.get(SessionRegistry.liveKeyFor(claims));
  }

  /** The live session a refresh token belongs to, or undefined when it is unknown or ended. */
  async findByRefreshToken(refreshToken: string): Promise<LiveSession | undefined> {
    const found = parseStoredRecord(refreshRecord, await this.deps.store.get(refreshKey(refreshToken)));
    if (found === undefined) return undefined;
    const { sub, sessionId } = found;
    return (await this.deps.store.get(sessionKey(sessionId))) === undefined ? undefined : { sub, sessionId };
  }

  /** Records a refreshed access token (and a rotated refresh token). False when the session ended meanwhile. */
  async extend(sessionId: string, claims: AccessClaims, rotatedRefreshToken: string | undefined): Promise<boolean> {
    const { store } = this.deps;
    const record = parseStoredRecord(sessionRecord, await store.get(sessionKey(sessionId)));
    if (record === undefined) return false;
    await this.remember(sessionId, claims, rotatedRefreshToken, record);
    // A logout that ran between our read and write would have missed this token: check again and undo.
    if ((await store.get(sessionKey(sessionId))) === undefined) {
      await store.delete(liveKey(tokenSessionKey(claims)));
      return false;
    }
    return true;
  }

  /**
   * Whether a session is still live. For a credential written after the request's own check: a sign-out
   * everywhere (an undo) that ran meanwhile took back what was there, not what lands after it.
   */
  async isLive(sessionId: string): Promise<boolean> {
    return (await this.deps.store.get(sessionKey(sessionId))) !== undefined;
  }

  /** Ends a session: every access token of it stops working and its refresh tokens are forgotten. */
  async end(sessionId: string): Promise<void> {
    const { store } = this.deps;
    const record = parseStoredRecord(sessionRecord, await store.take(sessionKey(sessionId)));
    await store.delete(liveKey(sessionId));
    if (record === undefined) return;
    await Promise.all([
      ...record.tokenKeys.map((k) => store.delete(liveKey(k))),
      ...record.refreshDigests.map((k) => store.delete(k)),
      store.removeFromSet(userSessionsKey(record.sub), sessionId),
    ]);
  }

  /** Ends every session of a user (but `except`); returns how many were live. */
  async endAll(sub: string, except?: string): Promise<number> {
    const ids = (await this.deps.store.members(userSessionsKey(sub))).filter((id) => id !== except);
    await Promise.all(ids.map((id) => this.end(id)));
    return ids.length;
  }

  async list(sub: string): Promise<SessionSummary[]> {
    const { store } = this.deps;
    const ids = await store.members(userSessionsKey(sub));
    const records = await store.getMany(ids.map(sessionKey));
    return ids.flatMap((id, i) => {
      const record = parseStoredRecord(sessionRecord, records[i]);
      if (record === undefined) return [];
      const { createdAt, ip, userAgent } = record;
      return [{ id, createdAt, ip, userAgent }];
    });
  }
}
