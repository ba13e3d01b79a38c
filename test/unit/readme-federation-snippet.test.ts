import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");
const readme = readFileSync(join(root, "docs/federation.md"), "utf8");

/** README's federation snippet is a real file, typechecked and run by the federation tests. */
describe("README's federation snippet", () => {
  it("is examples/patients/auth.ts, character for character", () => {
    const marker = "<!-- snippet:examples/patients/auth.ts -->\n```ts\n";
    const start = readme.indexOf(marker);
    expect(start).toBeGreaterThan(-1);
    const body = readme.slice(start + marker.length, readme.indexOf("```", start + marker.length));
    expect(body).toBe(readFileSync(join(root, "examples/patients/auth.ts"), "utf8"));
  });

  it("imports the package by name, as a subgraph team would", () => {
    expect(readFileSync(join(root, "examples/patients/auth.ts"), "utf8")).toMatch(/from "@hipaa-auth-gateway\/subgraph-auth";/);
    expect(readme).not.toContain("hipaa-auth-gateway/dist/");
  });
});
