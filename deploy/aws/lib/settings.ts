import type { Node } from "constructs";

/**
 * What a team chooses for its deployment, read from CDK context (cdk.json, cdk.context.json or `-c key=value`).
 * cdk.json ships placeholders so `cdk synth` works anywhere; a deployment overrides every one of them
 * (the placeholder account cannot be deployed to, and a warning names each placeholder still in use).
 */
export type DeploySettings = {
  account: string;
  region: string;
  /** Two AZs of the region (named so that synth needs no account lookup). */
  availabilityZones: string[];
  /** ACM certificate (same region) for the load balancer's HTTPS listener. */
  certificateArn: string;
  /** Prefix of the Cognito hosted domain: https://<prefix>.auth.<region>.amazoncognito.com */
  hostedDomainPrefix: string;
  callbackUrls: string[];
  logoutUrls: string[];
  /** SPKI PEM Ed25519 public keys the custom-auth triggers accept (two while the key is being rotated). */
  customAuthPublicKeys: string[];
  /** Secrets Manager secret (created by the operator) holding the gateway's PKCS#8 PEM private key. */
  customAuthPrivateKeySecretName: string;
  /** Secrets Manager secret (created by the operator): JSON { "url": …, "secret": … } for emergency-access alerts. */
  alertWebhookSecretName: string;
  /** "off" turns emergency (break-glass) access off: no alert webhook is needed then (EMERGENCY_ACCESS=off). */
  emergencyAccess: "on" | "off";
  /** Secret (created by the operator): JSON { "url": …, "secret": … } for security notices to account owners (production requires them: the old address must hear of an email change). */
  noticeWebhookSecretName: string;
  poolName: string;
  clientName: string;
  refreshTokenDays: number;
  temporaryPasswordDays: number;
  gatewayMinTasks: number;
  gatewayMaxTasks: number;
  /** Requests per 5 minutes from one client address before WAF blocks it. */
  wafRequestsPerFiveMinutes: number;
  /** Extra plain (non-secret) environment for the gateway, e.g. CORS_ORIGINS or hosted-login URLs. */
  gatewayEnvironment: Record<string, string>;
  /** Who receives the alarms (an e-mail subscription to the SNS topic); unset = subscribe yourself. */
  alarmEmail: string | undefined;
  /** Reserved concurrency of each custom-auth trigger (a new account's quota may need raising first). */
  triggerConcurrency: number;
  /** The first deployment: no gateway task runs until the database is migrated and has the gateway's role. */
  initialDeploy: boolean;
};

export const placeholders = {
  account: "111111111111",
  certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000",
  hostedDomainPrefix: "example-hipaa-auth",
  callbackUrls: ["https://app.example.com/auth/callback"],
  logoutUrls: ["https://app.example.com/signed-out"],
  // A throwaway public key (its private half was never kept): custom auth refuses every answer until replaced.
  customAuthPublicKeys: ["-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA0w9psodS6/n7QqYzfabfOvkVwymyS0l0YT5VusbZHa4=\n-----END PUBLIC KEY-----"],
} as const;

export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

const read = (node: Node, key: string): unknown => node.tryGetContext(key);

const text = (node: Node, key: string, fallback?: string): string => {
  const value = read(node, key) ?? fallback;
  if (typeof value !== "string" || value.trim() === "") throw new SettingsError(`context ${key}: required (a non-empty string)`);
  return value.trim();
};

/** Context given on the command line arrives as a string: accept JSON arrays there too. */
const list = (node: Node, key: string, fallback?: readonly string[]): string[] => {
  let value: unknown = read(node, key) ?? fallback;
  if (typeof value === "string") value = value.trim().startsWith("[") ? (JSON.parse(value) as unknown) : value.split(",");
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v.trim() !== "")) {
    throw new SettingsError(`context ${key}: required (a non-empty list of strings)`);
  }
  return value.map((v: string) => v.trim());
};

const integer = (node: Node, key: string, fallback: number, min: number, max: number): number => {
  const raw = read(node, key) ?? fallback;
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new SettingsError(`context ${key}: an integer from ${min} to ${max}`);
  return value;
};

const spkiPem = /^-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*$/;

export const readSettings = (node: Node): DeploySettings => {
  const account = text(node, "account");
  if (!/^\d{12}$/.test(account)) throw new SettingsError("context account: a 12-digit AWS account id");
  const region = text(node, "region");
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new SettingsError("context region: an AWS region like eu-west-1");
  const customAuthPublicKeys = list(node, "customAuthPublicKeys");
  if (customAuthPublicKeys.length > 2 || !customAuthPublicKeys.every((k) => spkiPem.test(k))) {
    throw new SettingsError("context customAuthPublicKeys: one or two SPKI PEM public keys (-----BEGIN PUBLIC KEY-----)");
  }
  const environment = read(node, "gatewayEnvironment") ?? {};
  const gatewayEnvironment = typeof environment === "string" ? (JSON.parse(environment) as unknown) : environment;
  if (typeof gatewayEnvironment !== "object" || gatewayEnvironment === null || !Object.values(gatewayEnvironment).every((v) => typeof v === "string")) {
    throw new SettingsError("context gatewayEnvironment: an object of string values");
  }
  const gatewayMinTasks = integer(node, "gatewayMinTasks", 2, 2, 50);
  const alarmEmail = read(node, "alarmEmail");
  return {
    account,
    region,
    availabilityZones: list(node, "availabilityZones", [`${region}a`, `${region}b`]),
    certificateArn: text(node, "certificateArn"),
    hostedDomainPrefix: text(node, "hostedDomainPrefix"),
    callbackUrls: list(node, "callbackUrls"),
    logoutUrls: list(node, "logoutUrls"),
    customAuthPublicKeys,
    customAuthPrivateKeySecretName: text(node, "customAuthPrivateKeySecretName", "hipaa-auth-gateway/custom-auth-private-key"),
    alertWebhookSecretName: text(node, "alertWebhookSecretName", "hipaa-auth-gateway/alert-webhook"),
    emergencyAccess: read(node, "emergencyAccess") === "off" ? "off" : "on",
    noticeWebhookSecretName: text(node, "noticeWebhookSecretName", "hipaa-auth-gateway/notice-webhook"),
    poolName: text(node, "poolName", "hipaa-auth-gateway"),
    clientName: text(node, "clientName", "auth-gateway"),
    refreshTokenDays: integer(node, "refreshTokenDays", 30, 1, 3650),
    temporaryPasswordDays: integer(node, "temporaryPasswordDays", 3, 1, 365),
    gatewayMinTasks,
    gatewayMaxTasks: integer(node, "gatewayMaxTasks", 6, gatewayMinTasks, 100),
    wafRequestsPerFiveMinutes: integer(node, "wafRequestsPerFiveMinutes", 1000, 100, 2_000_000_000),
    gatewayEnvironment: gatewayEnvironment as Record<string, string>,
    alarmEmail: typeof alarmEmail === "string" && alarmEmail !== "" ? alarmEmail : undefined,
    triggerConcurrency: integer(node, "triggerConcurrency", 20, 1, 1000),
    initialDeploy: [true, "true"].includes(read(node, "initialDeploy") as never),
  };
};

/** The placeholder values still in use (each one becomes a synth warning). */
export const placeholdersInUse = (settings: DeploySettings): string[] =>
  Object.entries(placeholders).flatMap(([key, value]) => (JSON.stringify(settings[key as keyof typeof placeholders]) === JSON.stringify(value) ? [key] : []));
