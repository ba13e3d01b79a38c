import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema } from "../../src/config";
import { withConfigTable } from "../../src/config-reference";
import { ErrorCode } from "../../src/errors/error-codes";
import { buildGatewaySchema } from "../../src/features/build-schema";

const root = join(__dirname, "../..");
const docsDir = join(root, "docs");
/** README and every page under docs/: the documentation a user reads. */
const readme = [join(root, "README.md"), ...readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => join(docsDir, f))]
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");
const configPage = readFileSync(join(docsDir, "configuration.md"), "utf8");

describe("the documentation (README and docs/)", () => {
  it.each(Object.keys(envSchema))("documents the variable %s", (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });

  it.each(Object.values(ErrorCode))("documents the error code %s", (code) => {
    expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });

  it("has the configuration table the schema generates (run `npm run docs:config`)", () => {
    expect(configPage).toBe(withConfigTable(configPage));
  });

  it("documents every query and mutation", () => {
    const schema = buildGatewaySchema();
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(fields.filter((f) => !readme.includes(`\`${f}`))).toEqual([]);
  });
});
