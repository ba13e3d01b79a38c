import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { RequestMeta } from "../audit/audit-event";
import { hostOperator, type AdminService } from "../auth/admin-service";
import type { Identity } from "../auth/identity";
import type { AppGroup, IdentityAdmin } from "../auth/identity-provider";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { normalizeEmail } from "../shared/email";

export const appGroups: readonly AppGroup[] = ["admin", "provider", "patient"];

export type AdminCommand =
  | { verb: "grant" | "revoke"; email: string; group: AppGroup }
  | { verb: "list"; group: AppGroup | undefined }
  | { verb: "help" };

export const usage = `Usage: npm run admin -- <command>
  grant  <email> admin|provider|patient   add the account to the group (effective at its next sign-in)
  revoke <email> admin|provider|patient   remove it from the group and end the account's sessions
  list   [admin|provider|patient]         accounts and their groups, optionally only one group's
Reads the same environment as npm start: without COGNITO_USER_POOL_ID it works on the running dev
gateway's cognito-local (LOCAL_COGNITO_PORT); with it, on the AWS pool (IAM credentials from the usual
AWS chain). Every change is written to the gateway's audit trail with actor "cli": PostgreSQL when
AUDIT_DATABASE_URL is set (sealed with AUDIT_CHAIN_KEY), else the audit log file (AUDIT_LOG_FILE).`;

/** A command-line mistake: the message is for the operator; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const isGroup = (value: string | undefined): value is AppGroup => appGroups.includes(value as AppGroup);
const looksLikeEmail = (value: string | undefined): value is string => typeof value === "string" && /^[^\s@]+@[^\s@]+$/.test(value);

export const parseAdminArgs = (args: readonly string[]): AdminCommand => {
  const [verb, first, second, ...rest] = args;
  if (verb === undefined || verb === "help" || args.includes("--help") || args.includes("-h")) return { verb: "help" };
  if (verb === "grant" || verb === "revoke") {
    if (!looksLikeEmail(first) || !isGroup(second) || rest.length > 0) throw new UsageError(`${verb} needs an email and one of ${appGroups.join(", ")}.`);
    return { verb, email: normalizeEmail(first), group: second };
  }
  if (verb === "list") {
    if ((first !== undefined && !isGroup(first)) || second !== undefined) throw new UsageError(`list takes no argument or one of ${appGroups.join(", ")}.`);
    return { verb, group: first };
  }
  throw new UsageError(`Unknown command "${verb}".`);
};

export type AdminCommandDeps = {
  admin: Pick<AdminService, "setGroup" | "users">;
  directory: Pick<IdentityAdmin, "findSub" | "getUser">;
  /** False when the CLI's state store is not the running gateway's (in-memory store, no REDIS_URL). */
  sharesGatewaySessions: boolean;
  out: { write(text: string): unknown };
};

/**
 * The CLI acts as the gateway's AdminService does for an administrator, with actor `cli` in the audit
 * log. The request meta names the OS user who ran it, so the record says who was at the keyboard.
 */
const cliActor = (requestId: string): Identity => ({
  sub: "cli",
  sessionId: `cli-${requestId}`,
  clientId: undefined,
  groups: ["admin"],
  scopes: [],
  expiresAt: 0,
  account: { sub: "cli", email: "", emailVerified: false, givenName: undefined, familyName: undefined, mfaEnabled: false, groups: ["admin"] },
  // The operator at the machine is the authority here; there is no gateway session to check.
  access: { sub: "cli", sessionLive: true, idle: false, disabled: false, locked: false, passwordExpired: false, groups: ["admin"] },
});

const osUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
};

const subOf = async (deps: AdminCommandDeps, email: string): Promise<string> => {
  const sub = await deps.directory.findSub(email);
  if (!sub) throw new GatewayError(ErrorCode.NOT_FOUND);
  return sub;
};

/** Runs one command; resolves with the process exit code. Errors other than usage ones propagate. */
export const runAdminCommand = async (command: AdminCommand, deps: AdminCommandDeps): Promise<number> => {
  const requestId = randomUUID();
  const meta: RequestMeta = { requestId, ip: undefined, userAgent: `admin-cli (os user ${osUser()})` };
  const actor = cliActor(requestId);
  const { out } = deps;
  switch (command.verb) {
    case "help":
      out.write(`${usage}\n`);
      return 0;
    case "grant": {
      const sub = await subOf(deps, command.email);
      await deps.admin.setGroup(actor, sub, command.group, true, meta, hostOperator);
      out.write(`Granted ${command.group} to ${command.email} (sub ${sub}). It is in their next token: they sign in again (or refresh).\n`);
      return 0;
    }
    case "revoke": {
      const sub = await subOf(deps, command.email);
      await deps.admin.setGroup(actor, sub, command.group, false, meta);
      out.write(`Revoked ${command.group} from ${command.email} (sub ${sub}).\n`);
      out.write(
        deps.sharesGatewaySessions
          ? "Their sessions at the gateway were ended, so the change applies now.\n"
          : "Warning: this CLI does not share the gateway's session store (no REDIS_URL), so it could not end their sessions: the tokens they hold keep the group until they expire. For an immediate effect use the adminRemoveUserFromGroup mutation, or run the gateway with REDIS_URL.\n",
      );
      return 0;
    }
    case "list": {
      let after: string | undefined;
      let shown = 0;
      do {
        const page = await deps.admin.users(actor, { emailPrefix: undefined, first: 60, after }, meta);
        for (const user of page.users) {
          const { groups } = await deps.directory.getUser(user.sub);
          if (command.group && !groups.includes(command.group)) continue;
          out.write(`${user.email}\t${user.sub}\t${user.status}${user.enabled ? "" : " DISABLED"}\t${groups.join(",") || "-"}\n`);
          shown += 1;
        }
        after = page.endCursor;
      } while (after);
      out.write(`${shown} account(s)${command.group ? ` in ${command.group}` : ""}\n`);
      return 0;
    }
  }
};
