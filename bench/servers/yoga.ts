import "reflect-metadata";
import { createServer } from "node:http";
import { createRemoteJwksSigningKeyProvider, extractFromHeader, useJWT, type JWTExtendContextFields } from "@graphql-yoga/plugin-jwt";
import { createYoga } from "graphql-yoga";
import { buildGatewaySchema } from "../../src/features/build-schema";
import { identityFromClaims, port, ready } from "./shared";

/** (4) The peer a user would pick: GraphQL Yoga + @graphql-yoga/plugin-jwt verifying the same Cognito token. */
const yoga = createYoga<{ jwt?: JWTExtendContextFields }>({
  schema: buildGatewaySchema(),
  landingPage: false,
  graphiql: false,
  plugins: [
    useJWT({
      signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: String(process.env["JWKS_URI"]) })],
      tokenLookupLocations: [extractFromHeader({ name: "authorization", prefix: "Bearer" })],
      tokenVerification: { issuer: String(process.env["ISSUER"]), algorithms: ["RS256"] },
      extendContext: true,
      reject: { missingToken: true, invalidToken: true },
    }),
  ],
  context: ({ jwt }) => ({ identity: identityFromClaims(jwt?.payload ?? {}) }),
});
const server = createServer((req, res) => void yoga(req, res));
server.listen(port(), "127.0.0.1", () => ready((server.address() as { port: number }).port));
// A clean exit on SIGINT, so --cpu-prof can write its profile.
process.once("SIGINT", () => process.exit(0));
