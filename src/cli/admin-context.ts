import { AuditLog, HashChainedFileSink } from "../audit/audit-log";
import { CognitoAdmin } from "../auth/cognito/cognito-admin";
import { CognitoIdentityProvider } from "../auth/cognito/cognito-identity-provider";
import { createServices } from "../auth/services";
import type { Config } from "../config";
import { localCredentials, provisionLocalPool } from "../dev/provision-local";
import { loginFailureLimiter } from "../policy/address-limiter";
import { systemClock } from "../shared/clock";
import { createLogger } from "../shared/logger";
import { openStateStore } from "../db/open-state-store";
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
const poolOf = async (config: Config) => {
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
 * The gateway's own services, composed as app.ts composes them, over the same pool, state store and audit
 * file the gateway uses (one process; the audit sink tolerates the gateway appending to the same file).
 */
export const createAdminContext = async (config: Config, overrides: { store?: StateStore } = {}): Promise<AdminContext> => {
  const clock = systemClock;
  const pool = await poolOf(config);
  const idp = new CognitoIdentityProvider({
    clientId: pool.clientId,
    clientSecret: pool.clientSecret,
    region: pool.region,
    endpoint: pool.endpoint,
    credentials: pool.credentials,
    emulator: pool.emulator,
  });
  const admin = new CognitoAdmin({ client: idp.client, userPoolId: pool.userPoolId, emulator: pool.emulator });
  const opened = overrides.store ? undefined : await openStateStore(config, clock, createLogger("warn"));
  const store = overrides.store ?? opened!.store;
  const sink = new HashChainedFileSink(config.auditLogFile);
  const services = createServices({
    idp,
    admin,
    // The admin CLI never signs anyone in: no custom-auth proof is needed.
    customAuth: false,
    store,
    clock,
    audit: new AuditLog({ sink, clock }),
    challengeTtlSeconds: config.challengeTtlSeconds,
    sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
    totpIssuer: config.totpIssuer,
    policy: config.policy,
    webauthn: config.webauthn,
    // Admin commands never open an emergency grant, so nothing here is ever alerted.
    emergency: { settings: config.emergency, alerts: { raise: () => undefined, settled: async () => undefined } },
    loginFailuresByAddress: loginFailureLimiter(store, config.policy.loginFailuresPerAddress),
  });
  return {
    admin: services.admin,
    directory: admin,
    sharesGatewaySessions: overrides.store !== undefined || config.redisUrl !== undefined,
    close: async () => {
      await sink.close();
      await opened?.close();
      idp.client.destroy();
    },
  };
};
