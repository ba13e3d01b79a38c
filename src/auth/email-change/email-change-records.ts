import { randomBytes } from "node:crypto";
import { sha256 } from "../../shared/digest";
import type { StateStore } from "../../store/state-store";
import { z } from "zod";
import { parseStoredRecord, recordSchema } from "../../shared/stored-record";

/** How long the old address can undo an email change without signing in. */
export const undoWindowSeconds = 7 * 24 * 3600;
/** How long every security notice also goes to the address the account had before a change. */
export const bothAddressesSeconds = 30 * 24 * 3600;

/**
 * A pending undo: what the old address's token restores. Only the token's digest is a key. `moved: false`: a
 * request to an address another account holds (nothing moved, nothing to confirm).
 */
export type EmailChangeUndo = { sub: string; oldEmail: string; newEmail: string; changedAt: number; moved?: boolean | undefined };
/** An address the account had before a change, while notices still go there too. */
export type PreviousAddress = { email: string; changedAt: number };
// A corrupt undo reads as absent (the token is refused); a corrupt previous address as none.
const emailChangeUndo = recordSchema<EmailChangeUndo>()(
  z.object({ sub: z.string(), oldEmail: z.string(), newEmail: z.string(), changedAt: z.number(), moved: z.boolean().optional() }),
);
const previousAddress = recordSchema<PreviousAddress>()(z.object({ email: z.string(), changedAt: z.number() }));

const undoKeyOfDigest = (digest: string) => `email-change-undo:${digest}`;
const undoKey = (token: string) => undoKeyOfDigest(sha256(token));
/** When an undo last ran for the account (ms): no change requested before it can be confirmed any more. */
const closedKey = (sub: string) => `email-change-undo:closed:${sub}`;
/** The account's pending undos, `<changedAt>:<token digest>` each (same lasting kind as the undos themselves). */
const undosKey = (sub: string) => `email-change-undo:of:${sub}`;
/** A member of `undosKey`, read back; undefined for one not of that shape. */
const undoMember = (member: string): { at: number; digest: string } | undefined => {
  const colon = member.indexOf(":");
  return colon > 0 ? { at: Number(member.slice(0, colon)), digest: member.slice(colon + 1) } : undefined;
};
/**
 * The earlier release's single previous address (the last change's only); read and removed, no longer written.
 * It lives 30 days: this read can go from 2027-01-07 on.
 */
const previousKey = (sub: string) => `email-change-previous:${sub}`;
/** Every address the account had before a change in the last 30 days, `<changedAt>:<email>` each. */
const previousSetKey = (sub: string) => `email-change-previous:of:${sub}`;
/** When an undo voided the account's reset codes: those sent before went to the address it was taken back from. */
const resetVoidKey = (sub: string) => `email-change-reset-void:${sub}`;
/** When the account's newest reset code was asked for (taken before the provider sends it). */
const resetAskedKey = (sub: string) => `email-change-reset-void:asked:${sub}`;
/** Longer than any reset code lives at the provider (Cognito's: one hour). */
const resetVoidSeconds = 24 * 3600;

/**
 * The lasting records of email changes: the single-use undo token sent to the old address (7 days), and the
 * previous addresses notices go to as well (30 days). The services use only this interface, so a PostgreSQL
 * repository can take the state-store implementation's place like the other lasting records.
 */
export interface EmailChangeRecordStore {
  /** Records a change; returns the undo token for the old address (shown only in that notice). */
  changed(change: EmailChangeUndo): Promise<string>;
  /** Uses an undo token up (of concurrent uses exactly one gets it); undefined when unknown, used or expired. */
  takeUndo(token: string): Promise<EmailChangeUndo | undefined>;
  /** The provider refused the address after all (another account holds it): the change moved nothing. */
  notMoved(token: string, change: EmailChangeUndo): Promise<void>;
  /** Takes back a change's records (its request's session ended while it ran: an undo may have gone past it). */
  withdraw(token: string, change: EmailChangeUndo): Promise<void>;
  /**
   * Whether the account's newest change may be confirmed: its undo still open (not undone, gone past or
   * withdrawn), an address that moved (not another account's), and requested after the account's last undo.
   * The provider keeps only the newest requested address pending, so only the newest change counts.
   */
  confirmable(sub: string): Promise<boolean>;
  /** An undo is running: no change requested before `at` can be confirmed from now on. */
  closeChanges(sub: string, at: number): Promise<void>;
  /** The change a token would undo, without using it up (to know whose account to lock first). */
  peekUndo(token: string): Promise<EmailChangeUndo | undefined>;
  /** Voids the undo tokens of every change the account made after this one (an undo goes back past them). */
  retireLater(change: EmailChangeUndo): Promise<void>;
  /** An undo of `change`: the addresses the account had from that change on hear nothing more (the owner went back past them). */
  forgetPrevious(change: EmailChangeUndo): Promise<void>;
  /** The addresses the account had before each change of the last 30 days: they still hear of security events. */
  previousAddresses(sub: string, now: number): Promise<string[]>;
  /** An undo, at `at` (after the address moved back): reset codes asked for before it may not be spent. */
  voidResetCodes(sub: string, at: number): Promise<void>;
  /** A reset code asked for at `askedAt` (before the provider sent it): it supersedes older ones (the provider keeps only the newest). */
  resetCodeAsked(sub: string, askedAt: number): Promise<void>;
  /** Whether the account's newest reset code was asked for before an undo voided them. */
  resetCodesVoided(sub: string): Promise<boolean>;
}

/** Over the state store, like the passkey and recovery-code records today. */
export class EmailChangeRecords implements EmailChangeRecordStore {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set" | "take" | "delete" | "addToSet" | "members" | "removeFromSet"> }) {}

  /** Records a change; returns the undo token for the old address (shown only in that notice). */
  async changed(change: EmailChangeUndo): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.deps.store.set(undoKey(token), JSON.stringify(change), undoWindowSeconds);
    await this.deps.store.addToSet(undosKey(change.sub), `${change.changedAt}:${sha256(token)}`, undoWindowSeconds);
    // Added to, never replaced: a second change (made with the first one's gains) must not take the owner's
    // address off the notices.
    await this.deps.store.addToSet(previousSetKey(change.sub), `${change.changedAt}:${change.oldEmail}`, bothAddressesSeconds);
    return token;
  }

  async notMoved(token: string, change: EmailChangeUndo): Promise<void> {
    await this.deps.store.set(undoKey(token), JSON.stringify({ ...change, moved: false }), undoWindowSeconds);
  }

  async withdraw(token: string, change: EmailChangeUndo): Promise<void> {
    await this.deps.store.delete(undoKey(token));
    await this.deps.store.removeFromSet(undosKey(change.sub), `${change.changedAt}:${sha256(token)}`);
    await this.deps.store.removeFromSet(previousSetKey(change.sub), `${change.changedAt}:${change.oldEmail}`);
  }

  async confirmable(sub: string): Promise<boolean> {
    const [members, closed] = await Promise.all([this.deps.store.members(undosKey(sub)), this.deps.store.get(closedKey(sub))]);
    const newest = members.flatMap((member) => undoMember(member) ?? []).sort((a, b) => b.at - a.at)[0];
    if (newest === undefined || !(newest.at > Number(closed ?? 0))) return false;
    const change = parseStoredRecord(emailChangeUndo, await this.deps.store.get(undoKeyOfDigest(newest.digest)));
    return change !== undefined && change.moved !== false;
  }

  async closeChanges(sub: string, at: number): Promise<void> {
    await this.deps.store.set(closedKey(sub), String(at), undoWindowSeconds);
  }

  /** The change a token would undo, without using it up. */
  async peekUndo(token: string): Promise<EmailChangeUndo | undefined> {
    return parseStoredRecord(emailChangeUndo, await this.deps.store.get(undoKey(token)));
  }

  /** Uses an undo token up (of concurrent uses exactly one gets it); undefined when unknown, used or expired. */
  async takeUndo(token: string): Promise<EmailChangeUndo | undefined> {
    return parseStoredRecord(emailChangeUndo, await this.deps.store.take(undoKey(token)));
  }

  /**
   * Voids the undo tokens of every later change: once the owner has gone back to an earlier address, a token
   * sitting in an intermediate inbox (a thief's) must not take the recovery channel forward again. Earlier
   * changes keep theirs, so spending a later token never takes the owner's away.
   */
  async retireLater(change: EmailChangeUndo): Promise<void> {
    const key = undosKey(change.sub);
    for (const member of await this.deps.store.members(key)) {
      const later = undoMember(member);
      if (later === undefined || !(later.at > change.changedAt)) continue;
      await this.deps.store.delete(undoKeyOfDigest(later.digest));
      await this.deps.store.removeFromSet(key, member);
    }
  }

  /** Earlier addresses (changes before the undone one) keep hearing; the undone change's and later ones' stop. */
  async forgetPrevious(change: EmailChangeUndo): Promise<void> {
    for (const previous of await this.previousRecords(change.sub)) {
      if (previous.changedAt < change.changedAt) continue;
      if (previous.member === undefined) await this.deps.store.delete(previousKey(change.sub));
      else await this.deps.store.removeFromSet(previousSetKey(change.sub), previous.member);
    }
  }

  async previousAddresses(sub: string, now: number): Promise<string[]> {
    const recent = (await this.previousRecords(sub)).filter((p) => now - p.changedAt < bothAddressesSeconds * 1000).map((p) => p.email);
    return [...new Map(recent.map((email) => [email.toLowerCase(), email])).values()];
  }

  /** The set's members, and the earlier release's single record (member undefined). */
  private async previousRecords(sub: string): Promise<(PreviousAddress & { member?: string })[]> {
    const [members, single] = await Promise.all([this.deps.store.members(previousSetKey(sub)), this.deps.store.get(previousKey(sub))]);
    const listed = members.flatMap((member) => {
      const colon = member.indexOf(":");
      const changedAt = Number(member.slice(0, colon));
      return colon > 0 && Number.isFinite(changedAt) ? [{ email: member.slice(colon + 1), changedAt, member }] : [];
    });
    const old = parseStoredRecord(previousAddress, single);
    return old ? [...listed, old] : listed;
  }

  async voidResetCodes(sub: string, at: number): Promise<void> {
    await this.deps.store.set(resetVoidKey(sub), String(at), resetVoidSeconds);
  }

  /**
   * Times, not a flag a request deletes: a request that found the account at the other address before the undo
   * moved it back, and wrote after the undo, must not lift the void (its time is still before it).
   */
  async resetCodeAsked(sub: string, askedAt: number): Promise<void> {
    const previous = Number((await this.deps.store.get(resetAskedKey(sub))) ?? Number.NaN);
    if (!(previous >= askedAt)) await this.deps.store.set(resetAskedKey(sub), String(askedAt), resetVoidSeconds);
  }

  async resetCodesVoided(sub: string): Promise<boolean> {
    const [voidedAt, askedAt] = await Promise.all([this.deps.store.get(resetVoidKey(sub)), this.deps.store.get(resetAskedKey(sub))]);
    if (voidedAt === undefined) return false;
    return !(Number(askedAt ?? Number.NaN) > Number(voidedAt));
  }
}
