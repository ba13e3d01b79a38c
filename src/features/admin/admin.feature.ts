import { allow } from "graphql-shield";
import { administrator } from "../../permissions/rules";
import type { Feature } from "../feature";
import { AdminResolver } from "./admin.resolver";

/** User administration for group `admin`: invite, disable, enable, groups, sign-out, MFA reset, unlock, list. */
export const adminFeature: Feature = {
  name: "admin",
  resolvers: [AdminResolver],
  permissions: {
    Query: { users: administrator },
    Mutation: {
      adminCreateUser: administrator,
      adminDisableUser: administrator,
      adminEnableUser: administrator,
      adminAddUserToGroup: administrator,
      adminRemoveUserFromGroup: administrator,
      adminGlobalSignOut: administrator,
      adminResetMfa: administrator,
      adminUnlockUser: administrator,
    },
    types: { AdminUser: allow, UserConnection: allow },
  },
  auditEvents: ["ADMIN_CREATE_USER", "ADMIN_DISABLE_USER", "ADMIN_ENABLE_USER", "ADMIN_ADD_TO_GROUP", "ADMIN_REMOVE_FROM_GROUP", "ADMIN_GLOBAL_SIGN_OUT", "ADMIN_RESET_MFA", "ADMIN_LIST_USERS", "ADMIN_UNLOCK_USER"],
};
