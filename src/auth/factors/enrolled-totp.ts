import { authenticator } from "otplib";
import type { Clock } from "../../shared/clock";
import { sealRecord, unsealRecord } from "../../shared/sealed-record";
import type { StateStore } from "../../store/state-store";
import { ErrorCode, GatewayError } from "../../errors/error-codes";

const keyOf = (sub: string) => `totp-enrolled:${sub}`;
const purposeOf = (sub: string) => `totp-enrolled:${sub}`;
/** When the account enrolled its authenticator through the gateway (ms); none for earlier enrolments. */
const enrolledAtKey = (sub: string) => `totp-enrolled:at:${sub}`;
/** Lasting (a PostgreSQL record kind with DATABASE_URL): as long as the authenticator itself. */
const keepSeconds = 10 * 365 * 24 * 3600;

type Deps = {
  store: Pick<StateStore, "get" | "set">;
  clock: Clock;
  sealKey: string;
  /** The time a secret's codes are checked at; tests pass the emulator's per-secret TOTP clock. Default: the clock. */
  totpTime?: ((secret: string) => number) | undefined;
};

/**
 * The TOTP secret the account enrolled through the gateway, sealed (AES-256-GCM under TOTP_SEAL_KEY, which
 * the database never holds). Step-up codes are checked against it: Cognito's VerifySoftwareToken checks the
 * secret most recently *associated*, which anyone holding the access token can replace through Cognito's
 * public API, so it cannot prove possession of the owner's authenticator.
 */
export class EnrolledTotp {
  constructor(private readonly deps: Deps) {}

  async remember(sub: string, secret: string): Promise<void> {
    await this.deps.store.set(keyOf(sub), sealRecord(this.deps.sealKey, purposeOf(sub), secret), keepSeconds);
    await this.deps.store.set(enrolledAtKey(sub), String(this.deps.clock.now()), keepSeconds);
  }

  /** Whether the account's authenticator was enrolled after `since` (ms). */
  async enrolledSince(sub: string, since: number): Promise<boolean> {
    return Number((await this.deps.store.get(enrolledAtKey(sub))) ?? Number.NaN) > since;
  }

  /**
   * "none" when the account enrolled before the gateway kept copies; "unreadable" when a copy is there but does
   * not open (another TOTP_SEAL_KEY, a tampered row): callers refuse that, never fall back to Cognito alone.
   */
  async check(sub: string, code: string): Promise<"match" | "mismatch" | "none" | "unreadable"> {
    const sealed = await this.deps.store.get(keyOf(sub));
    if (sealed === undefined) return "none";
    const secret = unsealRecord(this.deps.sealKey, purposeOf(sub), sealed);
    if (secret === undefined) return "unreadable";
    return this.codeOf(secret, code) ? "match" : "mismatch";
  }

  /** One step either side, as Cognito accepts; the used-code record (TotpCodeCheck) refuses a replay. */
  codeOf(secret: string, code: string): boolean {
    return authenticator.clone({ epoch: this.deps.totpTime?.(secret) ?? this.deps.clock.now(), window: 1 }).check(code, secret);
  }

  /** Login and re-enrolment: where the account has a copy, the code must match it too (fail closed when it does not open). */
  async assertNotContradicted(sub: string, code: string): Promise<void> {
    const result = await this.check(sub, code);
    if (result === "mismatch" || result === "unreadable") throw new GatewayError(ErrorCode.CODE_MISMATCH);
  }
}
