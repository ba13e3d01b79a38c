import { buildSchema, printSchema } from "graphql";
import { asTableRows, checkCompatibility, parseAnnouncements, readAnnouncements, readSchema } from "../../support/schema-compat";

/**
 * The schema-diff check: schema.graphql against schema.baseline.graphql (what clients may be built against),
 * classified by graphql-inspector. A breaking change passes only when docs/schema-changes.md announces it.
 */
describe("schema compatibility with the baseline", () => {
  const baseline = readSchema("schema.baseline.graphql");
  const current = readSchema("schema.graphql");

  it("has no breaking change that docs/schema-changes.md does not announce, and no stale announcement", async () => {
    const report = await checkCompatibility(baseline, current, readAnnouncements());
    // On failure: the rows to add to the announced table (after deciding the break is worth it), or the stale ones to drop.
    expect(asTableRows(report.unannounced)).toEqual([]);
    expect(report.stale).toEqual([]);
  });

  it("fails on a field removed in memory, and names it", async () => {
    const withoutMe = buildSchema(printSchema(current).replace(/^ {2}me: User!\n/m, ""));
    expect(withoutMe.getQueryType()?.getFields()["me"]).toBeUndefined();
    const report = await checkCompatibility(baseline, withoutMe, readAnnouncements());
    expect(report.unannounced.map((c) => [c.type, c.path])).toEqual([["FIELD_REMOVED", "Query.me"]]);
  });

  it("fails on an unannounced type change and on a required argument added", async () => {
    const edited = buildSchema(
      printSchema(current)
        .replace(/^ {2}recoveryCodesLeft: Int!$/m, "  recoveryCodesLeft: String!")
        .replace(/^ {2}passwordPolicy: PasswordPolicy!$/m, "  passwordPolicy(locale: String!): PasswordPolicy!"),
    );
    const report = await checkCompatibility(baseline, edited, readAnnouncements());
    expect(report.unannounced.map((c) => c.path).sort()).toEqual(["Query.passwordPolicy.locale", "Query.recoveryCodesLeft"]);
  });

  it("lets an announced break through, and only the one announced", async () => {
    const withoutMe = buildSchema(printSchema(current).replace(/^ {2}me: User!\n/m, ""));
    const announcements = [...readAnnouncements(), { type: "FIELD_REMOVED", path: "Query.me" }];
    const report = await checkCompatibility(baseline, withoutMe, announcements);
    expect(report.unannounced).toEqual([]);
    expect(report.announced.map((c) => c.path)).toContain("Query.me");
  });

  it("passes dangerous and safe changes (an enum value, an optional argument, a field added)", async () => {
    const grown = buildSchema(
      printSchema(current)
        .replace(/^enum Group \{$/m, "enum Group {\n  AUDITOR")
        .replace(/^ {2}passwordPolicy: PasswordPolicy!$/m, "  passwordPolicy(locale: String): PasswordPolicy!")
        .replace(/^ {2}me: User!$/m, "  me: User!\n  serverTime: DateTime!"),
    );
    const report = await checkCompatibility(current, grown, []);
    expect(report.unannounced).toEqual([]);
    expect(report.other.map((c) => c.criticality.level)).toContain("DANGEROUS");
    expect(report.other.map((c) => c.path)).toEqual(expect.arrayContaining(["Query.serverTime", "Group.AUDITOR", "Query.passwordPolicy.locale"]));
  });

  it("reads the announced table and nothing else on the page", () => {
    const page = "# Changes\n\n| `FIELD_REMOVED` | `Query.x` | prose |\n\n## Announced breaking changes\n\n| change | path | why |\n|---|---|---|\n| `FIELD_TYPE_CHANGED` | `Passkey.id` | ok |\n\n## Later\n\n| `FIELD_REMOVED` | `Query.y` | no |\n";
    expect(parseAnnouncements(page)).toEqual([{ type: "FIELD_TYPE_CHANGED", path: "Passkey.id" }]);
    expect(() => parseAnnouncements("# nothing")).toThrow(/Announced breaking changes/);
  });
});
