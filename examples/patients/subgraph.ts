import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import { buildSubgraphSchema } from "@apollo/subgraph";
import express from "express";
import { parse } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { emergencyCovers, type SubgraphContext, type SubgraphIdentity } from "@hipaa-auth-gateway/subgraph-auth";
import { patientsAuth, patientsPermissions } from "./auth";

/**
 * An example product subgraph behind the gateway. Its whole authentication is the helper: the gateway's
 * identity assertion becomes `ctx.identity`, and the same shield rules decide who sees what.
 */
export const patientsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "A patient's record: a patient sees their own, a provider their assigned patients (and any patient under an emergency grant for them), admins all."
  type PatientRecord @key(fields: "id") {
    id: ID!
    owner: String!
    note: String!
  }

  # Fields a rule may deny are nullable: one FORBIDDEN nulls that field, not the whole answer.
  type Query {
    myRecord: PatientRecord
    "One patient's record, by the patient's id."
    patient(id: ID!): PatientRecord
    "The records the caller may see."
    patients: [PatientRecord!]
  }

  "A provider's care team: the patients whose records they may read."
  type Assignment {
    providerId: ID!
    patientIds: [ID!]!
  }

  type Mutation {
    "Admins only: puts a patient (by sub) in a provider's care (by sub); the provider may then read that patient's record."
    assignPatient(providerId: ID!, patientId: ID!): Assignment
  }
`);

type Record_ = { id: string; owner: string; note: string };

export type PatientsSubgraphOptions = {
  port?: number;
  gatewayJwksUri: string;
  issuer: string;
  /** What to do with a request that has no valid assertion (e.g. one that bypassed the gateway). */
  onMissingOrInvalid?: "reject" | "anonymous";
  /** Test hook: sees every request's headers. */
  onRequest?: (headers: Record<string, string | string[] | undefined>) => void;
};

export const startPatientsSubgraph = async (options: PatientsSubgraphOptions) => {
  const records = new Map<string, Record_>();
  /** provider sub → the patients assigned to them (a care-team table in a real product). */
  const assignments = new Map<string, Set<string>>();
  const recordOf = (owner: string): Record_ => {
    const record = records.get(owner) ?? { id: `record-${owner}`, owner, note: "No allergies recorded." };
    records.set(owner, record);
    return record;
  };
  /** Without a grant: your own record, your assigned patients', or any as an administrator. */
  const owns = (identity: Pick<SubgraphIdentity, "sub" | "groups">, patient: string) =>
    identity.sub === patient || identity.groups.includes("admin") || (identity.groups.includes("provider") && (assignments.get(identity.sub)?.has(patient) ?? false));
  const auth = patientsAuth(options);
  /** Puts a patient in a provider's care (the example's stand-in for a care-team table). */
  const assign = (providerId: string, patientId: string) => {
    const patientIds = (assignments.get(providerId) ?? new Set<string>()).add(patientId);
    assignments.set(providerId, patientIds);
    recordOf(patientId);
    return { providerId, patientIds: [...patientIds] };
  };
  const resolvers = {
    Query: {
      myRecord: (_: unknown, __: unknown, ctx: SubgraphContext): Record_ => recordOf(ctx.identity!.sub),
      patient: (_: unknown, args: { id: string }): Record_ => recordOf(args.id),
      patients: (_: unknown, __: unknown, ctx: SubgraphContext): Record_[] => {
        const identity = ctx.identity!;
        return [...records.values()].filter((r) => owns(identity, r.owner) || emergencyCovers(identity.emergency, r.owner));
      },
    },
    Mutation: {
      assignPatient: (_: unknown, args: { providerId: string; patientId: string }) => assign(args.providerId, args.patientId),
    },
  };
  const schema = applyMiddleware(buildSubgraphSchema({ typeDefs: patientsTypeDefs, resolvers: resolvers as never }), patientsPermissions(owns));
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    stopOnTerminationSignals: false,
    // Stack traces name files and lines: only a developer's own machine should see them.
    includeStacktraceInErrorResponses: process.env["NODE_ENV"] === "development",
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const app = express();
  app.use(
    "/graphql",
    express.json(),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        options.onRequest?.(req.headers);
        const body = req.body as { query?: string; variables?: unknown };
        return auth.identify(req.headers, { query: body.query ?? "", variables: body.variables });
      },
    }),
  );
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    /** What assignPatient does, for tests that set up a care team without an admin. */
    assign,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
};
