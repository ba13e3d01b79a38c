import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withGeneratedTables } from "./config-reference";

/**
 * `npm run docs:config -- <file>…`: regenerates, in each file, the tables generated from the config schema
 * it has markers for (the configuration reference, the production settings table).
 */
const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node dist/docs-config.js <markdown file>…\n");
  process.exit(2);
}
for (const file of files) {
  const path = resolve(file);
  writeFileSync(path, withGeneratedTables(readFileSync(path, "utf8")));
  process.stdout.write(`updated the generated tables in ${path}\n`);
}
