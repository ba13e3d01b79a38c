import { randomBytes } from "node:crypto";
import type { PasswordRotation } from "../../policy/password-rotation";
import type { EnrolledTotp } from "../factors/enrolled-totp";
import type { RecoveryCodes } from "../factors/recovery/recovery-codes";
import type { PasskeyStore } from "../factors/webauthn/passkey-store";
import type { IdentityAdmin } from "../identity-provider";

export type TakeBackDeps = {
  rotation: Pick<PasswordRotation, "resetSince">;
  enrolledTotp: Pick<EnrolledTotp, "enrolledSince">;
  recoveryCodes: Pick<RecoveryCodes, "revokeAll">;
  passkeys: Pick<PasskeyStore, "list" | "remove">;
  admin: Pick<IdentityAdmin, "setPassword">;
};

/** What an undo took away, for its audit record. */
export type TakenBack = { passkeys: number; recoveryCodes: number; authenticator: boolean; password: boolean };

/** A password nobody knows (the owner chooses a new one through the restored address): every character class. */
const unknowablePassword = () => `${randomBytes(24).toString("base64url")}aA1!`;

/**
 * Whoever moved the address (a stolen session and a phished code) could also set sign-in methods that outlive the
 * undo. Every passkey and every recovery code goes: which were the thief's cannot be told (one registered first,
 * then used as the fresh factor of the change, and sessions shuffled to look older or newer), and the owner sets
 * theirs up again with the authenticator. A password reset through the moved-to inbox after the change is replaced
 * by one nobody knows; the owner resets it through the restored address. What needs the owner's own password
 * (changePassword) or authenticator is left alone: the undo token sits in the OLD mailbox, whose holder must not
 * be able to take away a password the owner chose, nor (resetting MFA) enrol an authenticator of their own. An
 * authenticator enrolled since the change is reported in the audit record (an administrator's reset if it is not
 * the owner's). Nothing the other side did can share the change's millisecond.
 */
export const takeBackSince = async (deps: TakeBackDeps, sub: string, since: number): Promise<TakenBack> => {
  const added = await deps.passkeys.list(sub);
  await Promise.all(added.map((passkey) => deps.passkeys.remove(passkey)));
  const recoveryCodes = await deps.recoveryCodes.revokeAll(sub);
  const authenticator = await deps.enrolledTotp.enrolledSince(sub, since);
  const password = await deps.rotation.resetSince(sub, since);
  if (password) await deps.admin.setPassword(sub, unknowablePassword());
  return { passkeys: added.length, recoveryCodes, authenticator, password };
};

export const takenBackReason = (taken: TakenBack): string =>
  `TAKEN_BACK:passkeys=${taken.passkeys},recoveryCodes=${taken.recoveryCodes},authenticator=${taken.authenticator},password=${taken.password}`;
