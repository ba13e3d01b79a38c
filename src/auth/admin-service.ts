import type { AuditEvent, AuditEventType, RequestMeta } from "../audit/audit-event";
import type { AuditLog } from "../audit/audit-log";
import { audited, bestEffort, reasons, type AuditedOptions } from "../audit/audited";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import type { Lockout } from "../policy/lockout";
import type { SecurityEpoch } from "../policy/security-epoch";
import type { StateStore } from "../store/state-store";
import { setFlags } from "./account-records";
import type { Passkeys } from "./factors/passkeys";
import type { FreshFactor, FreshFactorCheck } from "./factors/fresh-factor";
import type { Identity } from "./identity";
import type { AppGroup, DirectoryUser, IdentityAdmin, UserPage } from "./identity-provider";
import type { SessionRegistry } from "./session-registry";
import { signOutEverywhere } from "./sign-out-everywhere";

export type AdminServiceDeps = {
  admin: IdentityAdmin;
  store: StateStore;
  audit: Pick<AuditLog, "record">;
  sessions: SessionRegistry;
  lockout: Pick<Lockout, "unlock">;
  epoch: Pick<SecurityEpoch, "bump">;
  passkeys: Pick<Passkeys, "revokeAll">;
  /** What grants or gives back access proves the administrator's fresh factor in the same request. */
  freshFactor: Pick<FreshFactorCheck, "prove">;
};

/**
 * The operator on the host (npm run admin): not a bearer of any token, so there is nothing to step up from;
 * the host's own access control stands for the factor. Never built from a request's arguments.
 */
export const hostOperator = Object.freeze({ proof: "host-operator" as const });
export type AdminProof = FreshFactor | typeof hostOperator;

export type UsersQuery = { emailPrefix: string | undefined; first: number; after: string | undefined };

/** Cursors are opaque to clients; inside is the provider's pagination token. */
const encodeCursor = (token: string | undefined) => (token ? Buffer.from(token, "utf8").toString("base64url") : undefined);
const decodeCursor = (cursor: string | undefined) => (cursor ? Buffer.from(cursor, "base64url").toString("utf8") : undefined);

/**
 * User administration. Every action is audited with the administrator as actor, and takes effect at the
 * gateway at once: disabling, signing out, removing a group or resetting MFA ends the user's sessions.
 * Granting or giving back access (a group, a cleared authenticator, enabling, unlocking) is what a thief
 * holding an administrator's token would do, so it proves a fresh factor; ending access never needs one.
 */
export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  /** Proves the administrator's fresh factor (FORBIDDEN, STEP_UP_REQUIRED without one); the host operator needs none. */
  private async proveGrant(actor: Identity, proof: AdminProof | undefined, meta: RequestMeta): Promise<void> {
    if (proof === hostOperator) return;
    await this.deps.freshFactor.prove({ identity: actor }, proof === undefined || "proof" in proof ? undefined : proof, meta);
  }

  private act<T>(actor: Identity, meta: RequestMeta, event: AuditEventType, subject: string | undefined, operation: Parameters<typeof audited<T>>[3], options?: AuditedOptions): Promise<T> {
    const record: AuditEvent = { event, outcome: "SUCCESS", actor: actor.sub, sessionId: actor.sessionId, ...(subject !== undefined && { subject }) };
    return audited(this.deps.audit, meta, record, operation, options);
  }

  /** Moves the account's security epoch on (pending logins die), ends its sessions, then (best effort) signs out at the provider. */
  private async signOut(sub: string): Promise<Partial<AuditEvent>> {
    await signOutEverywhere(this.deps, sub);
    return bestEffort(() => this.deps.admin.globalSignOut(sub), "PROVIDER_SIGN_OUT");
  }

  createUser(actor: Identity, input: { email: string; givenName?: string | undefined; familyName?: string | undefined }, meta: RequestMeta): Promise<DirectoryUser> {
    return this.act(actor, meta, "ADMIN_CREATE_USER", undefined, async () => {
      const user = await this.deps.admin.createUser(input);
      return { result: user, audit: { subject: user.sub } };
    });
  }

  setEnabled(actor: Identity, sub: string, enabled: boolean, meta: RequestMeta, proof?: AdminProof): Promise<void> {
    return this.act(actor, meta, enabled ? "ADMIN_ENABLE_USER" : "ADMIN_DISABLE_USER", sub, async () => {
      if (enabled) await this.proveGrant(actor, proof, meta);
      if (!enabled && sub === actor.sub) throw new GatewayError(ErrorCode.BAD_USER_INPUT, { fields: [{ field: "userId", rules: ["notSelf"] }] });
      await this.deps.admin.setEnabled(sub, enabled);
      await setFlags(this.deps.store, sub, { disabled: !enabled });
      return { result: undefined, audit: enabled ? {} : await this.signOut(sub) };
    }, { protected: !enabled });
  }

  /** Joining a group shows in the user's next token; leaving one ends their sessions so it applies now. */
  setGroup(actor: Identity, sub: string, group: AppGroup, member: boolean, meta: RequestMeta, proof?: AdminProof): Promise<void> {
    return this.act(actor, meta, member ? "ADMIN_ADD_TO_GROUP" : "ADMIN_REMOVE_FROM_GROUP", sub, async () => {
      if (member) {
        await this.proveGrant(actor, proof, meta);
        await this.deps.admin.addToGroup(sub, group);
        // Pending logins carry tokens minted with the old groups: they start again.
        await this.deps.epoch.bump(sub);
        return { result: undefined, audit: { reason: group } };
      }
      await this.deps.admin.removeFromGroup(sub, group);
      return { result: undefined, audit: { reason: group, ...(await this.signOut(sub)) } };
      // Leaving a group is a revocation: it never waits on the audit sink (spooled, like a disable).
    }, { protected: !member });
  }

  globalSignOut(actor: Identity, sub: string, meta: RequestMeta): Promise<void> {
    return this.act(actor, meta, "ADMIN_GLOBAL_SIGN_OUT", sub, async () => {
      await this.deps.admin.getUser(sub); // NOT_FOUND for an unknown user rather than a silent no-op
      return { result: undefined, audit: await this.signOut(sub) };
    }, { protected: true });
  }

  /** The user enrols a new authenticator at the next login (on cognito-local: see docs/contributing.md). */
  /**
   * Every second factor goes: the authenticator and the passkeys (one may sit on the lost phone, and a
   * passkey with user verification signs in alone). The user enrols again at the next login.
   */
  resetMfa(actor: Identity, sub: string, meta: RequestMeta, proof: AdminProof | undefined): Promise<void> {
    return this.act(actor, meta, "ADMIN_RESET_MFA", sub, async () => {
      await this.proveGrant(actor, proof, meta);
      await this.deps.admin.resetMfa(sub);
      const revoked = await this.deps.passkeys.revokeAll(sub);
      const signedOut = await this.signOut(sub);
      return { result: undefined, audit: { ...signedOut, ...reasons(signedOut.reason, `PASSKEYS_REVOKED:${revoked}`) } };
      // A revocation (a lost phone): never waits on the audit sink.
    }, { protected: true });
  }

  /** Lifts a lockout (the only way out when LOCKOUT_DURATION_SECONDS is 0). */
  unlockUser(actor: Identity, sub: string, meta: RequestMeta, proof: AdminProof | undefined): Promise<void> {
    return this.act(actor, meta, "ADMIN_UNLOCK_USER", sub, async () => {
      await this.proveGrant(actor, proof, meta);
      const user = await this.deps.admin.getUser(sub);
      await this.deps.lockout.unlock(user.email, sub);
      return { result: undefined };
    });
  }

  users(actor: Identity, query: UsersQuery, meta: RequestMeta): Promise<UserPage & { endCursor: string | undefined }> {
    return this.act(actor, meta, "ADMIN_LIST_USERS", undefined, async () => {
      const page = await this.deps.admin.listUsers({ emailPrefix: query.emailPrefix, limit: query.first, nextToken: decodeCursor(query.after) });
      return { result: { ...page, endCursor: encodeCursor(page.nextToken) } };
    });
  }
}
