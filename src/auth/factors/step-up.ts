import { ErrorCode, GatewayError } from "../../errors/error-codes";
import type { Clock } from "../../shared/clock";
import type { StateStore } from "../../store/state-store";

/** How recent a second-factor proof must be for a credential change (passkey enrolment, recovery codes). */
export const stepUpWindowSeconds = 5 * 60;

const key = (sessionId: string) => `step-up:${sessionId}`;

/**
 * When a session last proved a second factor: written by TokenRelease (the one place a login proves one),
 * never by a refresh. A credential change asks for a proof at most five minutes old, so a token taken from
 * an unattended workstation an hour later cannot add a passkey of the attacker's.
 */
export class StepUp {
  constructor(private readonly deps: { store: Pick<StateStore, "get" | "set">; clock: Clock }) {}

  async proven(sessionId: string): Promise<void> {
    await this.deps.store.set(key(sessionId), String(this.deps.clock.now()), stepUpWindowSeconds);
  }

  /** FORBIDDEN (reason STEP_UP_REQUIRED) unless this session proved a second factor within the window. */
  async assertFresh(sessionId: string): Promise<void> {
    const at = Number((await this.deps.store.get(key(sessionId))) ?? 0);
    if (this.deps.clock.now() - at > stepUpWindowSeconds * 1000) throw new GatewayError(ErrorCode.FORBIDDEN, { reason: "STEP_UP_REQUIRED" }, "Sign in again (with your second factor) to change your sign-in methods.");
  }
}
