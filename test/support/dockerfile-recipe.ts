import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

/**
 * Reproduces a Dockerfile's stages without an engine: each stage is a directory standing for its WORKDIR;
 * COPY copies from the build context (honouring .dockerignore) or from an earlier stage, RUN runs the
 * command there with the host's Node first on PATH (the image's Node line). Only the instructions this
 * project's Dockerfile uses are understood (ADD only of an https URL: offline it leaves a placeholder, said in the log); anything else fails loudly so the check cannot go stale quietly.
 */
export type Instruction = { op: string; args: string };
export type Stage = { name: string; base: string; instructions: Instruction[] };
export type Recipe = { stages: Stage[]; final: Stage; env: Record<string, string>; cmd: string[]; healthcheck: string[] | undefined; workdir: string };

const understood = new Set(["FROM", "WORKDIR", "COPY", "ADD", "RUN", "ENV", "USER", "EXPOSE", "HEALTHCHECK", "CMD"]);

export const parseDockerfile = (text: string): Recipe => {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (!understood.has(op)) throw new Error(`the recipe check does not understand ${op}`);
    if (op === "FROM") {
      const [base = "", , name] = args.split(/\s+/);
      stages.push({ name: name ?? `stage${stages.length}`, base, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${op} before FROM`);
      stage.instructions.push({ op, args });
    }
  }
  const final = stages.at(-1)!;
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  let workdir = "/";
  for (const { op, args } of final.instructions) {
    if (op === "ENV") for (const [, key = "", value = ""] of args.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
    if (op === "CMD") cmd = JSON.parse(args) as string[];
    if (op === "HEALTHCHECK") healthcheck = JSON.parse(args.slice(args.indexOf("CMD") + 3).trim()) as string[];
    if (op === "WORKDIR") workdir = args;
  }
  return { stages, final, env, cmd, healthcheck, workdir };
};

/**
 * .dockerignore's forms used here: `**\/name` (anywhere), `name` and `*.ext` / `prefix-*` at the top, and
 * `!name` re-including a top-level entry; as in Docker, the last pattern that matches decides.
 */
const ignoredBy = (patterns: string[]) => (path: string): boolean => {
  const parts = path.split("/");
  const glob = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name);
  const matches = (p: string) => (p.startsWith("**/") ? parts.some((part) => glob(p.slice(3), part)) : glob(p, parts[0] ?? ""));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (matches(negated ? pattern.slice(1) : pattern)) ignored = !negated;
  }
  return ignored;
};

export type Reproduction = { stageDirs: Record<string, string>; log: string[] };

/** Runs every stage of `recipe` under `root` (one directory per stage); throws with the output when a RUN fails. */
export const reproduceStages = (recipe: Recipe, context: string, root: string, env: NodeJS.ProcessEnv): Reproduction => {
  const ignorePath = join(context, ".dockerignore");
  const ignored = ignoredBy(existsSync(ignorePath) ? readFileSync(ignorePath, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")) : []);
  const stageDirs: Record<string, string> = {};
  const log: string[] = [];
  for (const stage of recipe.stages) {
    let workdir = "/";
    const dir = join(root, stage.name);
    mkdirSync(dir, { recursive: true });
    stageDirs[stage.name] = dir;
    // Paths inside the image (/app/…) map into the stage's directory, which stands for its WORKDIR.
    const inStage = (path: string) => join(dir, relative(workdir, path.startsWith("/") ? path : join(workdir, path)));
    for (const { op, args } of stage.instructions) {
      if (op === "WORKDIR") workdir = args;
      if (op === "COPY") {
        const words = args.split(/\s+/).filter((w) => !w.startsWith("--chown="));
        const from = words[0]?.startsWith("--from=") ? words.shift()!.slice("--from=".length) : undefined;
        const dest = words.pop()!;
        for (const source of words) {
          const target = dest.endsWith("/") || words.length > 1 ? join(inStage(dest), basename(source)) : inStage(dest);
          mkdirSync(dirname(target), { recursive: true });
          if (from === undefined) {
            cpSync(join(context, source), target, { recursive: true, filter: (src) => !ignored(relative(context, src)) });
          } else {
            const fromStage = recipe.stages.find((s) => s.name === from);
            const fromWorkdir = fromStage?.instructions.find((i) => i.op === "WORKDIR")?.args ?? "/";
            const origin = join(stageDirs[from] ?? "", relative(fromWorkdir, source));
            if (!existsSync(origin)) throw new Error(`COPY --from=${from} ${source}: not produced by that stage`);
            cpSync(origin, target, { recursive: true, verbatimSymlinks: true });
          }
        }
      }
      if (op === "ADD") {
        const words = args.split(/\s+/).filter((w) => !w.startsWith("--"));
        const [source = "", dest = ""] = words;
        if (!source.startsWith("https://") || words.length !== 2) throw new Error(`ADD ${args}: only ADD of one https URL is understood`);
        // No network here: the file the image fetches at build time stands as an empty placeholder.
        const target = dest.endsWith("/") ? join(inStage(dest), basename(new URL(source).pathname)) : inStage(dest);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, "");
        log.push(`[${stage.name}] ADD ${source} → placeholder (not fetched offline)`);
      }
      if (op === "RUN") {
        // `npm cache clean` only slims the image; run here, it would empty the machine's shared npm cache.
        const command = args.replace(/\s*&&\s*npm cache clean --force/, "");
        const result = spawnSync("sh", ["-c", command], { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        log.push(`[${stage.name}] RUN ${command} → ${result.status}`);
        if (result.status !== 0) throw new Error(`[${stage.name}] RUN ${command} failed (${result.status}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
      }
    }
  }
  return { stageDirs, log };
};
