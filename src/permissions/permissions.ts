import { allow, and, deny, shield, type IRules } from "graphql-shield";
import { ErrorCode, GatewayError } from "../errors/error-codes";
import { isActive, isAdmin, isAuthenticated, isProvider } from "./rules";

const signedIn = and(isAuthenticated, isActive);
const administrator = and(isAuthenticated, isActive, isAdmin);
const provider = and(isAuthenticated, isActive, isProvider);

/**
 * Every field of the schema, with the rule that guards it. Deny by default: a field missing here is
 * refused at run time, and a unit test fails until it is added.
 */
export const permissionMap = {
  Query: {
    me: signedIn,
    sessions: signedIn,
    passwordPolicy: allow,
    users: administrator,
    auditEvents: administrator,
    loginHistory: signedIn,
    passkeys: signedIn,
    adminPasskeys: administrator,
    recoveryCodesLeft: signedIn,
    emergencyAccesses: administrator,
  },
  Mutation: {
    register: allow,
    confirmSignUp: allow,
    resendConfirmationCode: allow,
    login: allow,
    exchangeAuthorizationCode: allow,
    beginMfaSetup: allow,
    completeMfaSetup: allow,
    respondToMfa: allow,
    refreshTokens: allow,
    // The session is found by the access token or, once that expired, by the refresh token alone.
    logout: allow,
    forgotPassword: allow,
    confirmForgotPassword: allow,
    completeNewPassword: allow,
    completeExpiredPassword: allow,
    changePassword: signedIn,
    resetMfa: signedIn,
    updateProfile: signedIn,
    requestEmailChange: signedIn,
    confirmEmailChange: signedIn,
    // The old address undoes a change without signing in (the single-use token is the proof).
    undoEmailChange: allow,
    logoutEverywhere: isAuthenticated,
    adminCreateUser: administrator,
    adminDisableUser: administrator,
    adminEnableUser: administrator,
    adminAddUserToGroup: administrator,
    adminRemoveUserFromGroup: administrator,
    adminGlobalSignOut: administrator,
    adminResetMfa: administrator,
    adminUnlockUser: administrator,
    // Passkeys: enrolment and management need a signed-in, active user (and a fresh second factor, checked
    // by the service); sign-in is open like login, its handles single use.
    beginPasskeyRegistration: signedIn,
    beginPasskeyStepUp: signedIn,
    completePasskeyRegistration: signedIn,
    renamePasskey: signedIn,
    removePasskey: signedIn,
    beginPasskeyLogin: allow,
    completePasskeyLogin: allow,
    beginPasskeyMfa: allow,
    respondWithPasskey: allow,
    adminRemovePasskey: administrator,
    generateRecoveryCodes: signedIn,
    respondWithRecoveryCode: allow,
    requestEmergencyAccess: provider,
    // Its holder or an administrator (the service answers NOT_FOUND for anyone else's grant).
    endEmergencyAccess: signedIn,
    reviewEmergencyAccess: administrator,
  },
  // Result types are only reachable through the guarded root fields above.
  User: allow,
  AuthPayload: allow,
  AuthTokens: allow,
  AuthChallenge: allow,
  MfaSetup: allow,
  RegisterPayload: allow,
  MfaStatus: allow,
  PasswordPolicy: allow,
  PasswordRuleInfo: allow,
  SessionInfo: allow,
  AdminUser: allow,
  UserConnection: allow,
  PageInfo: allow,
  AuditEntry: allow,
  AuditEntryConnection: allow,
  LoginActivity: allow,
  LoginActivityConnection: allow,
  Passkey: allow,
  PasskeyChallenge: allow,
  EmergencyAccess: allow,
  EmergencyAccessConnection: allow,
} satisfies IRules;

/** Introspection types: Apollo's `introspection` flag decides whether `__schema` is reachable at all. */
const introspectionTypes = ["__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"];

/** As a federation subgraph the schema also has `_service`, which the supergraph composes from. */
const subgraphRules = { Query: { ...permissionMap.Query, _service: allow }, _Service: allow };

export const createPermissions = (asSubgraph = false) =>
  shield(
    { ...permissionMap, ...(asSubgraph ? subgraphRules : {}), ...Object.fromEntries(introspectionTypes.map((t) => [t, allow])) },
    { fallbackRule: deny, fallbackError: new GatewayError(ErrorCode.FORBIDDEN), allowExternalErrors: true, debug: false },
  );
