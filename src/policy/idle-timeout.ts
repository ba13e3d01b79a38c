import { epochSeconds, type Clock } from "../shared/clock";
import type { StateStore } from "../store/state-store";

/**
 * Automatic logoff: a session unused for `idleTimeoutSeconds` is dead. Activity is written at most once
 * per `writeIntervalSeconds` per session (not per request); the cost is that a session may end up to that
 * interval early, never late. Token refreshes do not count as activity (clients refresh on their own).
 */
export class IdleTimeout {
  constructor(private readonly deps: { store: Pick<StateStore, "set">; clock: Clock; idleTimeoutSeconds: number; writeIntervalSeconds: number }) {}

  static key(sessionId: string): string {
    return `active:${sessionId}`;
  }

  async start(sessionId: string): Promise<void> {
    await this.deps.store.set(IdleTimeout.key(sessionId), String(epochSeconds(this.deps.clock)), this.deps.idleTimeoutSeconds);
  }

  /** What the per-request read of `key(sessionId)` returned: undefined means the session went idle. */
  isIdle(lastActive: string | undefined): boolean {
    return lastActive === undefined;
  }

  /** Records activity, unless it was recorded recently enough. */
  async touch(sessionId: string, lastActive: string): Promise<void> {
    if (epochSeconds(this.deps.clock) - Number(lastActive) >= this.deps.writeIntervalSeconds) await this.start(sessionId);
  }
}
