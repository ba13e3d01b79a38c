import { createSubgraphAuth, type SubgraphAuthOptions, type SubgraphIdentity } from "@hipaa-auth-gateway/subgraph-auth";
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

/** The ordinary rule, without a grant: your own record, your assigned patients' (care team), any as an admin. */
export type Owns = (identity: SubgraphIdentity, patient: string) => boolean | Promise<boolean>;

/** Who sees what: a patient their own record, a provider their patients' or any under an emergency grant. */
export const patientsPermissions = (owns: Owns) =>
  shield(
    {
      Query: {
        myRecord: subgraphRules.hasGroup("patient"),
        patient: subgraphRules.ownOrEmergency<{ id: string }>("patient", { patientOf: (args) => args.id, owns }),
        patients: subgraphRules.hasGroup("provider", "admin"),
        _service: allow,
        _entities: deny,
      },
      Mutation: {
        assignPatient: subgraphRules.hasGroup("admin"),
      },
      PatientRecord: allow,
      Assignment: allow,
      _Service: allow,
    },
    { fallbackRule: deny, allowExternalErrors: true },
  );

// const auth = patientsAuth(); then as the Apollo Server context (see subgraph.ts):
// ({ req }) => auth.identify(req.headers, req.body)  →  { identity: { sub, groups, sessionId, emergency? } | undefined }
