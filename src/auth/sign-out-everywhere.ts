import type { SecurityEpoch } from "../policy/security-epoch";
import type { SessionRegistry } from "./session-registry";

/**
 * After a security change to an account: move its security epoch on (every pending login dies), then end
 * its sessions but `except`. The order matters: a login racing the change either sees the new epoch or
 * has its session ended. Returns how many sessions were live.
 */
export const signOutEverywhere = async (deps: { epoch: Pick<SecurityEpoch, "bump">; sessions: Pick<SessionRegistry, "endAll"> }, sub: string, except?: string): Promise<number> => {
  await deps.epoch.bump(sub);
  return deps.sessions.endAll(sub, except);
};
