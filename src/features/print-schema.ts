import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { lexicographicSortSchema, printSchema } from "graphql";
import { buildGatewaySchema } from "./build-schema";
import { allFeatures } from "./features";

const header = "# Generated from the resolvers by `npm run schema`. Do not edit; a test fails when it is stale.\n\n";

/** The committed SDL, every feature on: sorted, so the file changes only when the API does. */
export const printGatewaySchema = (): string => header + printSchema(lexicographicSortSchema(buildGatewaySchema(allFeatures))) + "\n";

if (require.main === module) {
  const target = resolve(process.argv[2] ?? "schema.graphql");
  writeFileSync(target, printGatewaySchema());
  process.stdout.write(`wrote ${target}\n`);
}
