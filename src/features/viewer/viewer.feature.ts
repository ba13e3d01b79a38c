import { allow } from "graphql-shield";
import { signedIn } from "../../permissions/rules";
import type { Feature } from "../feature";
import { MeResolver } from "./me.resolver";
import { OwnActivityResolver } from "./own-activity.resolver";

/** What the signed-in user sees of themselves: `me`, their sessions, their sign-in history. */
export const viewerFeature: Feature = {
  name: "viewer",
  resolvers: [MeResolver, OwnActivityResolver],
  permissions: {
    Query: { me: signedIn, sessions: signedIn, loginHistory: signedIn },
    types: { SessionInfo: allow, LoginActivity: allow, LoginActivityConnection: allow },
  },
  auditEvents: ["SESSIONS_LIST"],
};
