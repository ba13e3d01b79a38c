import { createSubgraphAuth, type SubgraphAuthOptions } from "@hipaa-auth-gateway/subgraph-auth";
import { subgraphRules } from "@hipaa-auth-gateway/subgraph-auth/shield";
import { allow, deny, shield } from "graphql-shield";

/** The patients subgraph trusts the gateway's identity assertions, and nothing else. */
export const patientsAuth = (options: Partial<Pick<SubgraphAuthOptions, "gatewayJwksUri" | "issuer" | "onMissingOrInvalid">> = {}) =>
  createSubgraphAuth({
    gatewayJwksUri: options.gatewayJwksUri ?? "http://localhost:4000/.well-known/jwks.json",
    issuer: options.issuer ?? "auth-gateway", // the gateway's FEDERATION_ISSUER
    audience: "patients", // this subgraph's name in the gateway's SUBGRAPHS
    onMissingOrInvalid: options.onMissingOrInvalid ?? "anonymous", // "reject": 401 for requests that bypass the gateway
  });

/** Who sees what: a patient their own record, providers and admins every record; deny the rest. */
export const patientsPermissions = shield(
  {
    Query: { myRecord: subgraphRules.hasGroup("patient"), patients: subgraphRules.hasGroup("provider", "admin"), _service: allow, _entities: deny },
    PatientRecord: allow,
    _Service: allow,
  },
  { fallbackRule: deny, allowExternalErrors: true },
);

// const auth = patientsAuth(); then as the Apollo Server context (see subgraph.ts):
// ({ req }) => auth.identify(req.headers, req.body)  →  { identity: { sub, groups, sessionId } | undefined }
