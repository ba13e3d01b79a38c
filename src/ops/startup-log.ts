import type { Logger } from "../shared/logger";

export type StartupFacts = {
  url: string;
  mode: "dev" | "aws" | "production";
  playground: boolean;
  subgraphs: readonly { name: string; url: string }[];
  /** DISABLED_FEATURES: the features left out of the schema, so an operator sees at once why a field is missing. */
  disabledFeatures?: readonly string[] | undefined;
  /** Dev mode: the address the operator wants to make the first admin (DEV_ADMIN_EMAIL). */
  devAdminEmail?: string | undefined;
};

/** What to type to make the first admin: printed, never done silently (see README "Your first admin"). */
export const firstAdminCommand = (email: string): string => `npm run admin -- grant ${email} admin`;

/**
 * The start-up lines a person reads: where the API, the playground and the subgraphs are, and on which
 * Node. The dev-admin hint goes to the console, not the log: it carries an email, which logs never do.
 */
export const logStartup = (logger: Pick<Logger, "info">, facts: StartupFacts, console: { write(text: string): unknown } = process.stdout): void => {
  const playground = facts.playground ? facts.url.replace(/\/graphql$/, "/") : undefined;
  logger.info(
    {
      url: facts.url,
      mode: facts.mode,
      node: process.version,
      ...(playground && { playground }),
      ...(facts.subgraphs.length > 0 && { subgraphs: Object.fromEntries(facts.subgraphs.map((s) => [s.name, s.url])) }),
      ...(facts.disabledFeatures?.length && { disabledFeatures: facts.disabledFeatures }),
    },
    "gateway listening",
  );
  if (facts.mode === "dev" && facts.devAdminEmail) {
    console.write(
      `[dev admin] DEV_ADMIN_EMAIL is set. Once that account has signed up (and set up MFA), make it an admin with:\n` +
        `[dev admin]   ${firstAdminCommand(facts.devAdminEmail)}\n`,
    );
  }
};
