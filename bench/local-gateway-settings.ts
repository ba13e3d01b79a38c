import type { GatewaySettings } from "../src/app";
import { loadConfig } from "../src/config";
import { localCredentials, type ProvisionedPool } from "../src/dev/provision-local";

/**
 * A gateway as the benches run it, on a cognito-local pool: AWS-mode behaviour (no dev extras), no
 * playground, and without the per-address and per-account limits, which would (rightly) stop load that
 * comes from one address.
 */
export const benchGatewaySettings = (pool: ProvisionedPool, endpoint: string, auditLogFile?: string): GatewaySettings =>
  ({
    ...loadConfig({ LOG_LEVEL: "silent", ...(auditLogFile !== undefined && { AUDIT_LOG_FILE: auditLogFile }) }),
    port: 0,
    host: "127.0.0.1",
    dev: false,
    playground: false,
    policy: { ...loadConfig({}).policy, rateLimitIpPerMinute: 0, rateLimitAccountPerMinute: 0, loginFailuresPerAddress: 1_000_000 },
    cognito: { ...pool, clientSecret: undefined, region: "local", endpoint, credentials: localCredentials, emulator: true },
  });
