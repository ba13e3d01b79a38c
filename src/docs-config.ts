import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withConfigTable } from "./config-reference";

/** `npm run docs:config`: rewrites the configuration table in docs/configuration.md from the config schema. */
const path = resolve(process.argv[2] ?? "docs/configuration.md");
writeFileSync(path, withConfigTable(readFileSync(path, "utf8")));
process.stdout.write(`updated the configuration table in ${path}\n`);
