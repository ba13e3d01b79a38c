import "reflect-metadata";
import { ConfigError, loadConfig } from "../config";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { createAdminContext, NoDevGatewayError } from "./admin-context";
import { parseAdminArgs, runAdminCommand, usage, UsageError, type AdminCommand } from "./admin-commands";

/** What the operator reads when a command fails: our code, never an upstream message or a stack. */
const explain = (error: unknown): string => {
  if (error instanceof ConfigError || error instanceof NoDevGatewayError) return error.message;
  if (error instanceof GatewayError && error.code === ErrorCode.NOT_FOUND) return "No account with that email. It must sign up first (register and confirm).";
  if (error instanceof GatewayError) return `Failed: ${error.code}${typeof error.extensions["reason"] === "string" ? ` (${error.extensions["reason"]})` : ""}.`;
  return `Failed: ${error instanceof Error ? error.name : "unexpected error"}.`;
};

/** `npm run admin -- grant|revoke|list …`: exit 0 done, 1 failed, 2 wrong usage. */
export const main = async (args: readonly string[], env: NodeJS.ProcessEnv = process.env, out: { write(text: string): unknown } = process.stdout, err: { write(text: string): unknown } = process.stderr): Promise<number> => {
  let command: AdminCommand;
  try {
    command = parseAdminArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`${error.message}\n${usage}\n`);
    return 2;
  }
  if (command.verb === "help") {
    out.write(`${usage}\n`);
    return 0;
  }
  let context: Awaited<ReturnType<typeof createAdminContext>> | undefined;
  try {
    context = await createAdminContext(loadConfig(env));
    return await runAdminCommand(command, { ...context, out });
  } catch (error) {
    err.write(`${explain(error)}\n`);
    return 1;
  } finally {
    await context?.close();
  }
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${explain(error)}\n`);
      process.exit(1);
    },
  );
}
