import { composeCore, type GatewaySettings } from "../app";
import type { Config } from "../config";
import { localCredentials, provisionLocalPool } from "../dev/provision-local";
import { silentLogger } from "../shared/logger";
import type { StateStore } from "../store/state-store";
import type { AdminCommandDeps } from "./admin-commands";

/** The dev gateway is not running: its cognito-local does not answer. */
export class NoDevGatewayError extends Error {
  override readonly name = "NoDevGatewayError";
}

const reachable = (endpoint: string): Promise<boolean> =>
  fetch(endpoint, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );

/** Where the pool is: in dev mode the running gateway's cognito-local (found as `npm start` provisions it). */
const poolOf = async (config: Config): Promise<GatewaySettings["cognito"]> => {
  if (config.mode === "aws") return { ...config.cognito, credentials: undefined, emulator: false };
  const endpoint = config.localCognito.url ?? `http://127.0.0.1:${config.localCognito.port}`;
  if (!(await reachable(endpoint))) {
    throw new NoDevGatewayError(`No dev gateway is running: cognito-local does not answer on ${endpoint} (LOCAL_COGNITO_PORT / LOCAL_COGNITO_URL). Start it with npm start (same environment), then run this again.`);
  }
  // Idempotent: the same call `npm start` makes; it finds the pool the gateway created.
  const pool = await provisionLocalPool(endpoint);
  return { ...pool, clientSecret: undefined, region: "local", endpoint, credentials: localCredentials, emulator: true };
};

export type AdminContext = Omit<AdminCommandDeps, "out"> & { close(): Promise<void> };

/**
 * The gateway's own composition root (app.ts composeCore) over the same pool, state store and audit sink
 * the gateway uses: the PostgreSQL trail when AUDIT_DATABASE_URL is set (a stream of its own, closed with a
 * checkpoint), else the shared audit file. Records are the admin* mutations' records, with actor `cli`.
 */
export const createAdminContext = async (config: Config, overrides: { store?: StateStore } = {}): Promise<AdminContext> => {
  const { mode: _mode, ...common } = config;
  const settings: GatewaySettings = {
    ...common,
    // The admin CLI never signs anyone in: no custom-auth proof is needed.
    customAuthPrivateKey: undefined,
    // The spool belongs to the gateway process that opened it (it ships and truncates it): a CLI beside it must not share it.
    auditSpoolFile: undefined,
    // No admin command checks a TOTP code or keeps a secret: without the gateway's key, nothing is sealed or opened.
    totpSealKey: config.totpSealKey ?? "the-admin-cli-checks-no-totp-code",
    dev: config.mode === "dev",
    cognito: await poolOf(config),
  };
  const core = await composeCore(settings, { ...overrides, logger: silentLogger });
  return {
    admin: core.services.admin,
    directory: core.admin,
    sharesGatewaySessions: overrides.store !== undefined || config.redisUrl !== undefined,
    close: () => core.close(),
  };
};
