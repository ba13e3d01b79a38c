import type { IncomingMessage } from "node:http";
import type { RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited } from "../audit/audited";
import type { AccessStateReader } from "../auth/access-state";
import type { ProviderTokens } from "../auth/identity-provider";
import type { OAuthClient } from "../auth/oauth/oauth-client";
import type { SessionRegistry } from "../auth/session-registry";
import { decodeIssuedAccessToken } from "../auth/token-claims";
import { TokenRejection, tokenRejected } from "../errors/error-codes";
import { decideAccess } from "../policy/access-policy";
import { epochSeconds, type Clock } from "../shared/clock";
import { randomHandle, sha256 } from "../shared/digest";
import { sealRecord, unsealRecord } from "../shared/sealed-record";
import type { StateStore } from "../store/state-store";
import { z } from "zod";
import { absentable, parseStoredRecord, recordSchema } from "../shared/stored-record";

/**
 * Browser sessions for hosted login (the backend-for-frontend pattern): the browser holds only an opaque
 * cookie; the tokens stay in the state store, encrypted under a key derived from the cookie, so a dump
 * of the store alone hands out no token. A request with the cookie is then authenticated exactly like a
 * bearer token (build-context.ts), and the tokens are refreshed here, shortly before they expire.
 */
type CookieRecord = { sessionId: string; sub: string; accessToken: string; refreshToken: string | undefined; expiresAt: number };
const cookieRecord = recordSchema<CookieRecord>()(
  z.object({ sessionId: z.string(), sub: z.string(), accessToken: z.string(), refreshToken: absentable(z.string()), expiresAt: z.number() }),
);

export type CookieSettings = {
  /** `__Host-` when served over HTTPS: no Domain, Path=/, Secure, so no sibling host can set or read it. */
  name: string;
  sameSite: "lax" | "strict";
};

export type CookieSessionDeps = {
  store: Pick<StateStore, "get" | "set" | "take" | "setIfAbsent" | "delete">;
  clock: Clock;
  client: Pick<OAuthClient, "refresh">;
  sessions: Pick<SessionRegistry, "extend" | "end">;
  /** The session's state for the access policy, which decides whether it went idle. */
  access: Pick<AccessStateReader, "forSession">;
  audit: Pick<AuditLog, "record">;
  settings: CookieSettings;
  /** How long the gateway remembers the cookie (the session's own end comes first when it is logged off). */
  ttlSeconds: number;
};

/** The cookie's name for a gateway served at this public URL. */
export const cookieSettingsFor = (callbackUrl: string, sameSite: "lax" | "strict"): CookieSettings => ({
  name: new URL(callbackUrl).protocol === "https:" ? "__Host-authgw-session" : "authgw-session",
  sameSite,
});

/** An access token this close to its expiry is refreshed before use. */
const refreshAheadSeconds = 60;
const cookieShape = /^[A-Za-z0-9_-]{43}$/;
const recordKey = (cookie: string) => `cookie-session:${sha256(cookie)}`;
const refreshLockKey = (cookie: string) => `cookie-refresh:${sha256(cookie)}`;

const cookiePurpose = "authgw cookie session v1";

const sealCookieRecord = (cookie: string, record: CookieRecord): string => sealRecord(cookie, cookiePurpose, JSON.stringify(record));

const unsealCookieRecord = (cookie: string, sealed: string): CookieRecord => {
  // Not sealed under this cookie, or sealed in a shape this version does not read: the cookie is refused.
  const record = parseStoredRecord(cookieRecord, unsealRecord(cookie, cookiePurpose, sealed));
  if (record === undefined) throw tokenRejected(TokenRejection.TOKEN_INVALID);
  return record;
};

export class CookieSessions {
  constructor(private readonly deps: CookieSessionDeps) {}

  /** The session cookie's value in a request, if it has one (only its first occurrence counts). */
  read(req: Pick<IncomingMessage, "headers">): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const prefix = `${this.deps.settings.name}=`;
    return header.split(";").map((part) => part.trim()).find((part) => part.startsWith(prefix))?.slice(prefix.length);
  }

  /** The Set-Cookie value: HttpOnly (no script reads it), Secure, SameSite, host-only, no Max-Age (ends with the browser). */
  setCookie(value: string): string {
    const sameSite = this.deps.settings.sameSite === "strict" ? "Strict" : "Lax";
    return `${this.deps.settings.name}=${value}; Path=/; HttpOnly; Secure; SameSite=${sameSite}`;
  }

  clearCookie(): string {
    return `${this.setCookie("")}; Max-Age=0`;
  }

  /** Remembers a new hosted-login session's tokens; returns the cookie value (256 random bits). */
  async open(tokens: ProviderTokens, session: { sessionId: string; sub: string }): Promise<string> {
    const cookie = randomHandle();
    await this.save(cookie, {
      ...session,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: decodeIssuedAccessToken(tokens.accessToken).exp,
    });
    return cookie;
  }

  /** What logout needs of the cookie's session, without forgetting it (undefined when it is unknown). */
  async peek(cookie: string): Promise<Omit<CookieRecord, "accessToken" | "expiresAt"> | undefined> {
    return this.sessionOf(cookie, cookieShape.test(cookie) ? await this.deps.store.get(recordKey(cookie)) : undefined);
  }

  /** Forgets the cookie; returns what logout needs (undefined when it was unknown). */
  async close(cookie: string): Promise<Omit<CookieRecord, "accessToken" | "expiresAt"> | undefined> {
    return this.sessionOf(cookie, cookieShape.test(cookie) ? await this.deps.store.take(recordKey(cookie)) : undefined);
  }

  private sessionOf(cookie: string, sealed: string | undefined): Omit<CookieRecord, "accessToken" | "expiresAt"> | undefined {
    if (sealed === undefined) return undefined;
    const { sessionId, sub, refreshToken } = unsealCookieRecord(cookie, sealed);
    return { sessionId, sub, refreshToken };
  }

  /**
   * The access token behind the request's cookie: undefined without a cookie (anonymous), refused when the
   * cookie is unknown or its session ended. What the token is worth is then checked like any bearer token.
   */
  async accessTokenFor(req: Pick<IncomingMessage, "headers">, meta: RequestMeta): Promise<string | undefined> {
    const cookie = this.read(req);
    if (cookie === undefined) return undefined;
    const sealed = cookieShape.test(cookie) ? await this.deps.store.get(recordKey(cookie)) : undefined;
    if (sealed === undefined) throw tokenRejected(TokenRejection.TOKEN_REVOKED);
    const record = unsealCookieRecord(cookie, sealed);
    if (record.expiresAt - epochSeconds(this.deps.clock) > refreshAheadSeconds || !record.refreshToken) return record.accessToken;
    return this.refresh(cookie, record, meta);
  }

  private async save(cookie: string, record: CookieRecord): Promise<void> {
    await this.deps.store.set(recordKey(cookie), sealCookieRecord(cookie, record), this.deps.ttlSeconds);
  }

  /**
   * One refresh per cookie at a time (the others keep using the current token, valid for up to a minute
   * more). An idle or ended session is not revived: the gateway's session decides, not the pool.
   */
  private async refresh(cookie: string, record: CookieRecord, meta: RequestMeta): Promise<string> {
    const { store, sessions, client, audit, access } = this.deps;
    const refreshToken = record.refreshToken;
    if (!refreshToken || !(await store.setIfAbsent(refreshLockKey(cookie), "1", 30))) return record.accessToken;
    try {
      const decision = decideAccess(await access.forSession(record.sub, record.sessionId, []), "session");
      if (!decision.allowed && decision.error.extensions["reason"] === TokenRejection.SESSION_IDLE) {
        // Audited first, as the bearer path: a sink that refuses the record leaves the idle session for the next request to end.
        await audit.record(meta, { event: "IDLE_TIMEOUT", outcome: "SUCCESS", subject: record.sub, sessionId: record.sessionId });
        await Promise.all([sessions.end(record.sessionId), store.delete(recordKey(cookie))]);
        throw tokenRejected(TokenRejection.SESSION_IDLE);
      }
      const event = { event: "TOKEN_REFRESH", outcome: "SUCCESS", subject: record.sub, sessionId: record.sessionId } as const;
      return await audited(audit, meta, event, async () => {
        const tokens = await client.refresh(refreshToken);
        const claims = decodeIssuedAccessToken(tokens.accessToken);
        if (claims.sub !== record.sub || !(await sessions.extend(record.sessionId, claims, tokens.refreshToken))) {
          await store.delete(recordKey(cookie));
          throw tokenRejected(TokenRejection.TOKEN_REVOKED);
        }
        await this.save(cookie, { ...record, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? refreshToken, expiresAt: claims.exp });
        return { result: tokens.accessToken, audit: { clientId: claims.clientId } };
      });
    } finally {
      await store.delete(refreshLockKey(cookie));
    }
  }
}
