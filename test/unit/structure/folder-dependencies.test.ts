import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";

const src = join(__dirname, "../../../src");

/** Every .ts file under src, with the src folders its relative imports reach. */
const imports = (): { from: string; to: string; file: string }[] => {
  const edges: { from: string; to: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) {
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- src/ itself is the empty string.
        const from = relative(src, dir).split(sep)[0] || "(root)";
        for (const match of readFileSync(path, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
          const target = relative(src, normalize(join(dirname(path), match[1] ?? ""))).split(sep);
          const to = target.length > 1 ? (target[0] ?? "(root)") : "(root)";
          // Entry points (*-cli.ts) are composition roots of their own: they may read the root config.
          const entryPoint = name.endsWith("-cli.ts") && to === "(root)";
          if (to !== from && !entryPoint) edges.push({ from, to, file: relative(src, path) });
        }
      }
    }
  };
  walk(src);
  return edges;
};

/**
 * Folder dependencies point one way (shared/DESIGN.md): http → apollo → features → schema → auth → policy → store/audit
 * → shared, with context, permissions, federation, dev and provisioning in their places. A folder that
 * imports one above it, or two folders that import each other, fail here with the file that does it.
 */
describe("folder dependencies", () => {
  const edges = imports();

  it("have no cycles between folders", () => {
    const pairs = new Set(edges.map((e) => `${e.from}>${e.to}`));
    const cycles = edges.filter((e) => pairs.has(`${e.to}>${e.from}`)).map((e) => `${e.file}: ${e.from} → ${e.to}`);
    expect(cycles).toEqual([]);
  });

  const below: Record<string, readonly string[]> = {
    shared: [],
    errors: ["shared"],
    store: ["errors", "shared"],
    audit: ["errors", "shared", "store"],
    policy: ["audit", "errors", "shared", "store"],
  };
  it.each(Object.entries(below))("%s imports only from below it", (folder, allowed) => {
    const wrong = edges.filter((e) => e.from === folder && !allowed.includes(e.to)).map((e) => `${e.file} → ${e.to}`);
    expect(wrong).toEqual([]);
  });
});
