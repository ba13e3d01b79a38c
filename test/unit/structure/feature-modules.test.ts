import "reflect-metadata";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { allFeatures } from "../../../src/features/features";

const src = join(__dirname, "../../../src");

/** Every .ts file under src, by its path relative to src (forward slashes). */
const sources = (): Map<string, string> => {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) files.set(relative(src, path).split(sep).join("/"), readFileSync(path, "utf8"));
    }
  };
  walk(src);
  return files;
};

/** The src files a file imports (relative imports only), relative to src. */
const importsOf = (file: string, code: string): string[] =>
  [...code.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map((m) => relative(src, normalize(join(src, dirname(file), m[1] ?? ""))).split(sep).join("/"));

/** The folder of a feature a path lies in (features/<name>/…), if any. */
const featureFolderOf = (path: string): string | undefined => /^features\/([^/]+)\//.exec(path)?.[1];

/**
 * Features are modules (docs/architecture.md): each folder under src/features/ holds one feature's resolvers,
 * types and feature object. Imports point one way — features → schema (the shared GraphQL kit), auth,
 * policy, permissions, shared… — never from one feature's folder into another's, never from below into features/.
 */
describe("feature modules", () => {
  const files = sources();
  const resolverClasses = [...files].flatMap(([file, code]) => [...code.matchAll(/@Resolver\(.*\)\s*\n\s*export class (\w+)/g)].map((m) => ({ file, name: m[1] ?? "" })));

  it("find the resolver classes (the scan itself works)", () => {
    expect(resolverClasses.length).toBeGreaterThanOrEqual(12);
  });

  it("put every resolver class in exactly one feature, the one whose folder holds it", () => {
    const owners = resolverClasses.map(({ file, name }) => ({ name, folder: featureFolderOf(file), owners: allFeatures.filter((f) => f.resolvers.some((r) => r.name === name)).map((f) => f.name) }));
    expect(owners.filter((o) => o.owners.length !== 1 || o.owners[0] !== o.folder)).toEqual([]);
    // …and no feature lists a class that is not a resolver of its own folder.
    const listed = allFeatures.flatMap((f) => f.resolvers.map((r) => r.name));
    expect(listed.sort()).toEqual(resolverClasses.map((r) => r.name).sort());
  });

  it("give every feature folder one feature object, named for the folder", () => {
    const folders = new Set([...files.keys()].map(featureFolderOf).filter((f) => f !== undefined));
    expect([...folders].sort()).toEqual(allFeatures.map((f) => f.name).sort());
    for (const folder of folders) expect([folder, files.has(`features/${folder}/${folder}.feature.ts`)]).toEqual([folder, true]);
  });

  it("do not import each other's folders", () => {
    const crossing = [...files].flatMap(([file, code]) => {
      const from = featureFolderOf(file);
      return from === undefined ? [] : importsOf(file, code).filter((to) => featureFolderOf(to) !== undefined && featureFolderOf(to) !== from).map((to) => `${file} → ${to}`);
    });
    expect(crossing).toEqual([]);
  });

  /** What sits below the features: they may use it, it may never use them. */
  const below = ["auth", "policy", "permissions", "schema", "context", "audit", "store", "db", "errors", "shared"];
  it.each(below)("are never imported from %s/", (folder) => {
    const upward = [...files].filter(([file]) => file.startsWith(`${folder}/`)).flatMap(([file, code]) => importsOf(file, code).filter((to) => to.startsWith("features/")).map((to) => `${file} → ${to}`));
    expect(upward).toEqual([]);
  });
});
