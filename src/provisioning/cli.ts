import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { z } from "zod";
import { localCredentials } from "./local-credentials";
import { hipaaPoolSpec, ProvisionError } from "./pool-spec";
import { provision } from "./provision";

const list = z.string().transform((s) => s.split(",").map((u) => u.trim()).filter(Boolean));

/** Variables of `npm run provision`; docs/provisioning.md's table mirrors this. */
const schema = z.object({
  AWS_REGION: z.string().regex(/^([a-z]{2}-[a-z]+-\d|local)$/, "an AWS region like eu-west-1"),
  COGNITO_ENDPOINT: z.url().optional(),
  POOL_NAME: z.string().min(1).max(128).default("hipaa-auth-gateway"),
  POOL_CLIENT_NAME: z.string().min(1).max(128).default("auth-gateway"),
  POOL_CALLBACK_URLS: list,
  POOL_LOGOUT_URLS: list,
  POOL_REFRESH_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  POOL_TEMPORARY_PASSWORD_DAYS: z.coerce.number().int().min(1).max(365).default(3),
  POOL_ADVANCED_SECURITY: z.enum(["ENFORCED", "AUDIT", "OFF"]).default("ENFORCED"),
});

const usage = `npm run provision [-- --dry-run] [-- --local]
  Creates or updates the HIPAA user pool, app client and groups (idempotent; prints every change).
  --dry-run  show the plan, change nothing
  --local    target cognito-local at COGNITO_ENDPOINT (MFA OPTIONAL, no client secret, no advanced security)`;

const main = async (): Promise<number> => {
  const args = new Set(process.argv.slice(2));
  if (args.has("--help")) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    process.stderr.write(`Invalid configuration: ${String(issue?.path[0])} is not valid (expected ${issue?.message ?? "a valid value"}).\n`);
    return 1;
  }
  const env = parsed.data;
  const local = args.has("--local");
  const dryRun = args.has("--dry-run");
  const spec = hipaaPoolSpec({
    poolName: env.POOL_NAME,
    clientName: env.POOL_CLIENT_NAME,
    callbackUrls: env.POOL_CALLBACK_URLS,
    logoutUrls: env.POOL_LOGOUT_URLS,
    refreshTokenDays: env.POOL_REFRESH_TOKEN_DAYS,
    temporaryPasswordDays: env.POOL_TEMPORARY_PASSWORD_DAYS,
    advancedSecurity: local ? "OFF" : env.POOL_ADVANCED_SECURITY,
    mfa: local ? "OPTIONAL" : "ON",
    generateSecret: !local,
  });
  const cognito = new CognitoIdentityProviderClient({ region: env.AWS_REGION, endpoint: env.COGNITO_ENDPOINT, ...(local && { credentials: localCredentials }) });
  try {
    const result = await provision(cognito, spec, { dryRun, emulator: local });
    for (const change of result.changes) process.stdout.write(`${dryRun ? "would " : ""}${change}\n`);
    process.stdout.write(result.changes.length === 0 ? "no changes\n" : `${result.changes.length} change(s)${dryRun ? " planned" : ""}\n`);
    if (result.userPoolId) process.stdout.write(`COGNITO_USER_POOL_ID=${result.userPoolId}\n`);
    if (result.clientId) process.stdout.write(`COGNITO_CLIENT_ID=${result.clientId}\n`);
    if (result.clientId && !local) process.stdout.write("The client secret is not printed: read it from Cognito into your secret store as COGNITO_CLIENT_SECRET.\n");
    return 0;
  } finally {
    cognito.destroy();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // An operator tool: the provider's reason (e.g. a missing IAM permission) is what the operator needs.
    const message = error instanceof ProvisionError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : "provisioning failed";
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
