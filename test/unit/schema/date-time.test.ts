import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { DateTime } from "../../../src/schema/scalars/date-time.scalar";

/** A one-field schema: echoes the DateTime it is given, to see parsing and serialising through graphql-js. */
const echo = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      echo: { type: DateTime, args: { at: { type: DateTime } }, resolve: (_, { at }: { at: Date }) => at },
      stored: { type: DateTime, args: { raw: { type: GraphQLString } }, resolve: (_, { raw }: { raw: string }) => (raw === "epoch-ms" ? 1_796_621_700_000 : raw) },
    },
  }),
});

const run = (source: string, variableValues?: Record<string, unknown>) => graphql({ schema: echo, source, variableValues });

describe("the DateTime scalar", () => {
  it("answers every instant in one spelling: UTC, milliseconds, Z", async () => {
    const inputs = ["2026-12-07T05:35:00Z", "2026-12-07T06:35:00+01:00", "2026-12-07T05:35:00.000Z", "2026-12-07T00:35-05:00"];
    for (const at of inputs) {
      expect((await run("query($at: DateTime) { echo(at: $at) }", { at })).data).toEqual({ echo: "2026-12-07T05:35:00.000Z" });
    }
    expect((await run('{ echo(at: "2026-12-07T05:35:00.123456Z") }')).data).toEqual({ echo: "2026-12-07T05:35:00.123Z" });
    expect((await run('{ stored(raw: "epoch-ms") }')).data).toEqual({ stored: "2026-12-07T05:35:00.000Z" });
  });

  it.each(["2026-12-07", "2026-12-07T05:35:00", "2026-02-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-07T24:00:00Z", "yesterday", "2026-12-07T05:35:00+25:00"])(
    "refuses %s as input (a date-time needs a zone; the calendar is checked)",
    async (at) => {
      const viaVariable = await run("query($at: DateTime) { echo(at: $at) }", { at });
      expect(viaVariable.errors?.[0]?.message).toMatch(/DateTime must be an ISO 8601 date-time with a time zone/);
      const inline = await run(`{ echo(at: ${JSON.stringify(at)}) }`);
      expect(inline.errors?.[0]?.message).toMatch(/DateTime must be an ISO 8601 date-time with a time zone/);
    },
  );

  it("refuses numbers and other literal kinds as input", async () => {
    expect((await run("query($at: DateTime) { echo(at: $at) }", { at: 1_796_621_700_000 })).errors).toHaveLength(1);
    expect((await run("{ echo(at: 1796621700000) }")).errors).toHaveLength(1);
  });

  it("fails a resolver that hands it something that is not an instant (masked like any internal error)", async () => {
    const answer = await run('{ stored(raw: "not a date") }');
    expect(answer.data).toEqual({ stored: null });
    expect(answer.errors?.[0]?.message).toMatch(/DateTime cannot represent/);
  });
});
