import { readFileSync } from "node:fs";

/**
 * Self time of a V8 CPU profile (`--cpu-prof`) by where the code lives: a package, one of our folders, or
 * V8/Node's own entries ((garbage collector), (program), node:internal…). `node dist-bench/bench/profile-summary.js
 * <file.cpuprofile> [top] [requests]`: shares of busy time (idle excluded), and the top functions by self time;
 * given the number of requests the profile covers (bench/hot-path.ts prints it), µs per request as well.
 */
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const where = (url: string, fn: string): string => {
  if (url === "") return fn.startsWith("(") ? fn : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return url.replace(/^node:(internal\/)?/, "node:").split("/").slice(0, 2).join("/");
  const ours = /\/dist(?:-bench)?\/(?:src\/)?([^/]+\/)?/.exec(url);
  return ours ? `ours: ${ours[1] ?? "(root)"}` : url;
};

const main = () => {
  const [file, top = "25", requests] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(String(file), "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") continue;
    busy += us;
    const group = where(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const name = `${functionName || "(anonymous)"} ${group}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const perRequest = (us: number) => (requests === undefined ? "" : `  ${(us / Number(requests)).toFixed(1).padStart(6)} µs`);
  const share = (us: number) => `${((us / busy) * 100).toFixed(1)} %`.padStart(7) + perRequest(us);
  process.stdout.write(`busy ${(busy / 1e6).toFixed(2)} s${perRequest(busy)}\n\nby where the code lives:\n`);
  for (const [group, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) process.stdout.write(`  ${share(us)}  ${group}\n`);
  process.stdout.write("\nfunctions by self time:\n");
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) process.stdout.write(`  ${share(us)}  ${name}\n`);
  // PROFILE_CALLERS=<function name>: the call stacks that function's self time was spent under (who calls it).
  const wanted = process.env["PROFILE_CALLERS"];
  if (wanted === undefined) return;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stacks = new Map<string, number>();
  for (const [id, us] of self) {
    if (byId.get(id)?.callFrame.functionName !== wanted) continue;
    const frames: string[] = [];
    for (let at = parent.get(id); at !== undefined && frames.length < 12; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (functionName !== "(root)") frames.push(`${functionName || "(anonymous)"} ${where(url, functionName)}:${lineNumber + 1}`);
    }
    const key = frames.join(" < ");
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
  process.stdout.write(`\ncallers of ${wanted}:\n`);
  for (const [stack, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) process.stdout.write(`  ${share(us)}  ${stack}\n`);
};
main();
