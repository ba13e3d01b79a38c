import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AuditDatabaseSettings } from "../../shared/settings";

/** A key long enough to seal the trail (32 bytes, as `openssl rand -base64 32` gives), blanks around it not counted. */
export const isUsableChainKey = (key: string | undefined): key is string => key !== undefined && Buffer.byteLength(key.trim(), "utf8") >= 32;

/**
 * The key that seals the PostgreSQL audit streams: AUDIT_CHAIN_KEY, or in dev mode (only there) a key
 * generated once and kept in a file of the dev data directory, so the trail of a dev gateway (and of the
 * admin CLI beside it) stays verifiable across restarts. `create: false` (audit:verify) never makes one.
 */
export const resolveChainKey = (settings: Pick<AuditDatabaseSettings, "chainKey" | "devChainKeyFile">, options: { create: boolean }): string | undefined => {
  if (settings.chainKey !== undefined) return settings.chainKey;
  const file = settings.devChainKeyFile;
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !options.create) return undefined;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    // `wx`: two dev processes starting together keep the first one's key.
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
};
