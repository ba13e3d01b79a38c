import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { acknowledgements } from "../../deploy/aws/lib/acknowledgements";
import { buildTestApp, type BuiltApp } from "./synth-app";

type Finding = { rule: string; path: string };

// Built once without any acknowledgement (and without bundling the triggers: the packs read the construct tree).
let built: BuiltApp;
let findings: Finding[];
beforeAll(() => {
  built = buildTestApp({ "aws:cdk:bundling-stacks": [] }, { acknowledgements: [] });
  findings = [new HIPAASecurityChecks(), new AwsSolutionsChecks()].flatMap((pack) =>
    pack.validateScope(built.app).violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? "" }))),
  );
});
afterAll(() => rmSync(built.outdir, { recursive: true, force: true }));

const under = (finding: Finding, path: string): boolean => finding.path === `${built.stack.stackName}/${path}` || finding.path.startsWith(`${built.stack.stackName}/${path}/`);

describe("cdk-nag acknowledgements", () => {
  it("without them, both packs report findings (the packs really check this app)", () => {
    expect(findings.length).toBeGreaterThan(10);
  });

  it.each(acknowledgements.flatMap((a) => a.rules.flatMap((rule) => a.paths.map((path) => [rule, path] as const))))("%s at %s answers a real finding (none is stale)", (rule, path) => {
    expect(findings.filter((f) => f.rule === rule && under(f, path))).not.toEqual([]);
  });

  it("every finding is answered by exactly the acknowledgements listed (nothing else is silenced)", () => {
    const unanswered = findings.filter((f) => !acknowledgements.some((a) => a.rules.includes(f.rule) && a.paths.some((p) => under(f, p))));
    expect(unanswered).toEqual([]);
  });

  it("each gives a reason a reviewer can check, and docs/deploy-aws.md lists every rule with that reason", () => {
    const docs = readFileSync(join(__dirname, "../../docs/deploy-aws.md"), "utf8");
    for (const { rules, reason } of acknowledgements) {
      expect(reason.length).toBeGreaterThan(80);
      expect(docs).toContain(reason);
      for (const rule of rules) expect(docs).toContain(rule.replace(/\[.*$/, ""));
    }
  });
});
