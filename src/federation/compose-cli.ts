import { readFileSync, writeFileSync } from "node:fs";
import { envSchema } from "../config-schema";
import { enabledFeatures } from "../features/features";
import { systemClock } from "../shared/clock";
import { composeSupergraph } from "./compose";
import { IdentityAsserter, signingKeysFromPem } from "./identity-token";

/**
 * With the gateway's FEDERATION_SIGNING_KEYS (and FEDERATION_ISSUER), each `_service { sdl }` request is signed
 * as the gateway signs it, so subgraphs in "reject" mode can be composed too.
 */
const asserterFromEnv = (env: NodeJS.ProcessEnv): IdentityAsserter | undefined => {
  const list = env["FEDERATION_SIGNING_KEYS"];
  if (!list) return undefined;
  const keys = list.split(",").map((pair) => {
    const at = pair.indexOf("=");
    return { kid: pair.slice(0, at).trim(), pem: readFileSync(pair.slice(at + 1).trim(), "utf8") };
  });
  return new IdentityAsserter({ keys: signingKeysFromPem(keys), issuer: env["FEDERATION_ISSUER"] ?? "auth-gateway", clock: systemClock });
};

/** `npm run compose -- supergraph.graphql patients=http://patients:4001/graphql …` */
const main = async () => {
  const [out, ...pairs] = process.argv.slice(2);
  if (!out || pairs.length === 0) throw new Error("usage: npm run compose -- <out file> name=url [name=url …]");
  const subgraphs = pairs.map((pair) => {
    const at = pair.indexOf("=");
    return { name: pair.slice(0, at), url: pair.slice(at + 1) };
  });
  // The gateways that load this file must serve the same features, or the planner routes to fields they lack.
  const disabled = process.env["DISABLED_FEATURES"];
  const disabledFeatures = envSchema.DISABLED_FEATURES.schema.parse(disabled === "" ? undefined : disabled);
  writeFileSync(out, await composeSupergraph(subgraphs, { asserter: asserterFromEnv(process.env), features: enabledFeatures({ disabledFeatures }) }));
  process.stdout.write(`wrote ${out} (${subgraphs.length + 1} subgraphs, the gateway's own API included)\n`);
};
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
