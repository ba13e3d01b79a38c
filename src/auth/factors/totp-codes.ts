import QRCode from "qrcode";
import { ErrorCode, GatewayError } from "../../errors/error-codes";
import { normalizeEmail } from "../../shared/email";
import type { StateStore } from "../../store/state-store";

/** A TOTP code is accepted by Cognito for about ±30 s; remembering it a little longer blocks any replay. */
const usedCodeTtlSeconds = 120;

export const otpauthUri = (issuer: string, email: string, secret: string): string => {
  const label = encodeURIComponent(`${issuer}:${email}`);
  const params = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: "6", period: "30" });
  return `otpauth://totp/${label}?${params.toString()}`;
};

export const qrCodeDataUrl = (uri: string): Promise<string> => QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1 });

/**
 * Cognito-local accepts a TOTP code twice; real Cognito mostly does not. The gateway refuses a code the
 * same account already presented, atomically, before asking the provider. Remembered under the account's
 * sub: under its email, a code spent to move the email was fresh again for the new address. The email key is
 * claimed too while instances of the earlier version (which read only it) may still run beside this one.
 */
export const claimTotpCode = async (store: Pick<StateStore, "setIfAbsent">, account: { sub: string; email: string }, code: string): Promise<void> => {
  const [bySub, byEmail] = await Promise.all([
    store.setIfAbsent(`totp-used:sub:${account.sub}:${code}`, "1", usedCodeTtlSeconds),
    store.setIfAbsent(`totp-used:${normalizeEmail(account.email)}:${code}`, "1", usedCodeTtlSeconds),
  ]);
  if (!bySub || !byEmail) throw new GatewayError(ErrorCode.CODE_MISMATCH);
};
