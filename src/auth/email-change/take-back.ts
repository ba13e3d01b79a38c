import { randomBytes } from "node:crypto";
import type { PasswordRotation } from "../../policy/password-rotation";
import type { EnrolledTotp } from "../factors/enrolled-totp";
import type { RecoveryCodes } from "../factors/recovery/recovery-codes";
import type { PasskeyStore } from "../factors/webauthn/passkey-store";
import type { IdentityAdmin } from "../identity-provider";

export type TakeBackDeps = {
  rotation: Pick<PasswordRotation, "setSince">;
  enrolledTotp: Pick<EnrolledTotp, "enrolledSince">;
  recoveryCodes: Pick<RecoveryCodes, "revokeGeneratedSince">;
  passkeys: Pick<PasskeyStore, "list" | "remove">;
  admin: Pick<IdentityAdmin, "setPassword">;
};

/** What an undo took away, for its audit record. */
export type TakenBack = { passkeys: number; recoveryCodes: number; authenticator: boolean; password: boolean };

/** A password nobody knows (the owner chooses a new one through the restored address): every character class. */
const unknowablePassword = () => `${randomBytes(24).toString("base64url")}aA1!`;

/**
 * While the address was elsewhere, whoever moved it (a stolen session and a phished code) could also set sign-in
 * methods that outlive the undo: passkeys registered, recovery codes generated, an authenticator enrolled, a
 * password chosen through the moved-to inbox. Passkeys and recovery codes set since the change are taken away.
 * A password or an authenticator set since then means the other side knows the password: it is replaced by one
 * nobody knows, and the owner sets the next one through the restored address. The authenticator itself stays:
 * resetting MFA here would let whoever holds the old mailbox (this undo's token) enrol their own at the next
 * sign-in; an authenticator the owner does not have is an administrator's reset (adminResetMfa), audited here.
 * "Since" is strictly after the change: nothing the other side did can share its millisecond.
 */
export const takeBackSince = async (deps: TakeBackDeps, sub: string, since: number): Promise<TakenBack> => {
  const sinceIso = new Date(since).toISOString();
  const added = (await deps.passkeys.list(sub)).filter((passkey) => passkey.createdAt > sinceIso);
  for (const passkey of added) await deps.passkeys.remove(passkey);
  const recoveryCodes = await deps.recoveryCodes.revokeGeneratedSince(sub, since);
  const authenticator = await deps.enrolledTotp.enrolledSince(sub, since);
  const password = authenticator || (await deps.rotation.setSince(sub, since));
  if (password) await deps.admin.setPassword(sub, unknowablePassword());
  return { passkeys: added.length, recoveryCodes, authenticator, password };
};

export const takenBackReason = (taken: TakenBack): string =>
  `TAKEN_BACK:passkeys=${taken.passkeys},recoveryCodes=${taken.recoveryCodes},authenticator=${taken.authenticator},password=${taken.password}`;
