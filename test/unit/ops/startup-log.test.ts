import { firstAdminCommand, logStartup, type StartupFacts } from "../../../src/ops/startup-log";

const recorder = () => {
  const lines: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const printed: string[] = [];
  return { lines, printed, logger: { info: (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) }, console: { write: (t: string) => printed.push(t) } };
};

const facts: StartupFacts = { url: "http://localhost:4000/graphql", mode: "dev", playground: true, subgraphs: [] };

describe("the start-up log", () => {
  it("gives the playground URL when the playground is on, and not when it is off", () => {
    const on = recorder();
    logStartup(on.logger, facts, on.console);
    expect(on.lines).toEqual([{ obj: { url: facts.url, mode: "dev", node: process.version, playground: "http://localhost:4000/" }, msg: "gateway listening" }]);
    const off = recorder();
    logStartup(off.logger, { ...facts, playground: false }, off.console);
    expect(off.lines[0]?.obj).not.toHaveProperty("playground");
  });

  it("names the disabled features, when there are any", () => {
    const r = recorder();
    logStartup(r.logger, { ...facts, disabledFeatures: ["emergency-access"] }, r.console);
    logStartup(r.logger, { ...facts, disabledFeatures: [] }, r.console);
    expect(r.lines.map((line) => line.obj["disabledFeatures"])).toEqual([["emergency-access"], undefined]);
  });

  it("names the subgraphs in gateway mode", () => {
    const r = recorder();
    logStartup(r.logger, { ...facts, subgraphs: [{ name: "patients", url: "http://127.0.0.1:4001/graphql" }] }, r.console);
    expect(r.lines[0]?.obj["subgraphs"]).toEqual({ patients: "http://127.0.0.1:4001/graphql" });
  });

  it("prints the first-admin command for DEV_ADMIN_EMAIL to the console in dev mode, never into the log", () => {
    const dev = recorder();
    logStartup(dev.logger, { ...facts, devAdminEmail: "ada@example.com" }, dev.console);
    expect(dev.printed.join("")).toContain(`[dev admin]   ${firstAdminCommand("ada@example.com")}\n`);
    expect(firstAdminCommand("ada@example.com")).toBe("npm run admin -- grant ada@example.com admin");
    expect(JSON.stringify(dev.lines)).not.toContain("ada@example.com");
    const aws = recorder();
    logStartup(aws.logger, { ...facts, mode: "aws", devAdminEmail: "ada@example.com" }, aws.console);
    expect(aws.printed).toEqual([]);
  });
});
