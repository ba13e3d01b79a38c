import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema } from "../../src/config";
import { withConfigTable } from "../../src/config-reference";
import { ErrorCode } from "../../src/errors/error-codes";
import { buildGatewaySchema } from "../../src/schema/build-schema";

const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

describe("README", () => {
  it.each(Object.keys(envSchema))("documents the variable %s", (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });

  it.each(Object.values(ErrorCode))("documents the error code %s", (code) => {
    expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });

  it("has the configuration table the schema generates (run `npm run docs:config`)", () => {
    expect(readme).toBe(withConfigTable(readme));
  });

  it("documents every query and mutation (in README or a page under docs/)", () => {
    const docsDir = join(__dirname, "../../docs");
    const pages = existsSync(docsDir) ? readdirSync(docsDir).filter((name) => name.endsWith(".md")).map((name) => readFileSync(join(docsDir, name), "utf8")) : [];
    const documented = [readme, ...pages].join("\n");
    const schema = buildGatewaySchema();
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(fields.filter((f) => !documented.includes(`\`${f}`))).toEqual([]);
  });
});
