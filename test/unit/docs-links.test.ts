import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = join(__dirname, "../..");
const docsDir = join(root, "docs");
const pages = [
  join(root, "README.md"),
  join(root, "SECURITY.md"),
  join(root, "BENCHMARKS.md"),
  ...readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => join(docsDir, f)),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
const anchorsOf = (file: string) =>
  new Set([...readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]!)));

/** Every `[text](target)` outside code blocks that points into this repository. */
const localLinks = (file: string) =>
  [...readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target));

describe("documentation links", () => {
  it.each(pages.map((p) => [relative(root, p), p]))("%s links only to files and headings that exist", (_name, page) => {
    const broken = localLinks(page).filter((target) => {
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const file = path === "" ? page : resolve(dirname(page), path);
      if (!existsSync(file)) return true;
      return anchor !== undefined && file.endsWith(".md") && !anchorsOf(file).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it("README links every page under docs/", () => {
    const linked = new Set(localLinks(join(root, "README.md")).map((t) => resolve(root, t.split("#")[0]!)));
    const pagesInDocs = readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => join(docsDir, f));
    expect(pagesInDocs.filter((p) => !linked.has(p)).map((p) => relative(root, p))).toEqual([]);
  });

  it("keeps README to a screenful or two (≤ 200 lines)", () => {
    expect(readFileSync(join(root, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(200);
  });
});
