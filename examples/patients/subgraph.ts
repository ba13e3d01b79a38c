import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import { buildSubgraphSchema } from "@apollo/subgraph";
import express from "express";
import { parse } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import type { SubgraphContext } from "@hipaa-auth-gateway/subgraph-auth";
import { patientsAuth, patientsPermissions } from "./auth";

/**
 * An example product subgraph behind the gateway. Its whole authentication is the helper: the gateway's
 * identity assertion becomes `ctx.identity`, and the same shield rules decide who sees what.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "A patient's record: a patient sees their own, providers and admins see all."
  type PatientRecord @key(fields: "id") {
    id: ID!
    owner: String!
    note: String!
  }

  type Query {
    myRecord: PatientRecord!
    patients: [PatientRecord!]!
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
  const auth = patientsAuth(options);
  const resolvers = {
    Query: {
      myRecord: (_: unknown, __: unknown, ctx: SubgraphContext): Record_ => {
        const owner = ctx.identity!.sub;
        const record = records.get(owner) ?? { id: `record-${owner}`, owner, note: "No allergies recorded." };
        records.set(owner, record);
        return record;
      },
      patients: (): Record_[] => [...records.values()],
    },
  };
  const schema = applyMiddleware(buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }), patientsPermissions);
  const apollo = new ApolloServer<SubgraphContext>({ schema, stopOnTerminationSignals: false, plugins: [ApolloServerPluginInlineTraceDisabled()] });
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
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
};
