/** Preloaded tabs: one per operation a person would try, with the variables it needs. */
const tab = (query: string, variables: Record<string, unknown> = {}) => ({ query, variables: JSON.stringify(variables, null, 2) });

export const exampleTabs = [
  tab("# Who am I? Sign in with the panel on the left first.\nquery Me {\n  me { sub email givenName familyName groups mfaStatus { enabled method } }\n}"),
  tab("query Sessions {\n  sessions { id createdAt ip userAgent current }\n}"),
  tab("query PasswordPolicy {\n  passwordPolicy { minLength rules { id description } }\n}"),
  tab("mutation Register($input: RegisterInput!) {\n  register(input: $input) { accepted nextStep }\n}", { input: { email: "ada@example.com", password: "Correct-Horse-9!" } }),
  tab("mutation ConfirmSignUp($email: String!, $code: String!) {\n  confirmSignUp(email: $email, code: $code)\n}", { email: "ada@example.com", code: "123456" }),
  tab("mutation ResendConfirmationCode($email: String!) {\n  resendConfirmationCode(email: $email)\n}", { email: "ada@example.com" }),
  tab("mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) { challenge { name session } }\n}", { email: "ada@example.com", password: "Correct-Horse-9!" }),
  tab("mutation BeginMfaSetup($session: String!) {\n  beginMfaSetup(session: $session) { secret otpauthUri session }\n}", { session: "" }),
  tab("mutation CompleteMfaSetup($session: String!, $code: String!) {\n  completeMfaSetup(session: $session, code: $code) { tokens { expiresIn } }\n}", { session: "", code: "" }),
  tab("mutation RespondToMfa($session: String!, $code: String!) {\n  respondToMfa(session: $session, code: $code) { tokens { expiresIn } }\n}", { session: "", code: "" }),
  tab("mutation CompleteNewPassword($session: String!, $newPassword: String!) {\n  completeNewPassword(session: $session, newPassword: $newPassword) { challenge { name session } }\n}", { session: "", newPassword: "" }),
  tab("mutation CompleteExpiredPassword($session: String!, $newPassword: String!) {\n  completeExpiredPassword(session: $session, newPassword: $newPassword) { challenge { name session } }\n}", { session: "", newPassword: "" }),
  tab("mutation ForgotPassword($email: String!) {\n  forgotPassword(email: $email)\n}", { email: "ada@example.com" }),
  tab("mutation ConfirmForgotPassword($email: String!, $code: String!, $newPassword: String!) {\n  confirmForgotPassword(email: $email, code: $code, newPassword: $newPassword)\n}", { email: "ada@example.com", code: "123456", newPassword: "" }),
  tab("mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n}", { currentPassword: "", newPassword: "" }),
  tab("mutation ResetMfa($currentPassword: String!, $code: String!) {\n  resetMfa(currentPassword: $currentPassword, code: $code) { secret otpauthUri session }\n}", { currentPassword: "", code: "" }),
  tab("mutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) { givenName familyName }\n}", { input: { givenName: "Ada" } }),
  tab("mutation RequestEmailChange($newEmail: String!) {\n  requestEmailChange(newEmail: $newEmail)\n}", { newEmail: "" }),
  tab("mutation ConfirmEmailChange($code: String!) {\n  confirmEmailChange(code: $code)\n}", { code: "" }),
  tab("mutation RefreshTokens($refreshToken: String!) {\n  refreshTokens(refreshToken: $refreshToken) { tokens { expiresIn } }\n}", { refreshToken: "" }),
  tab("mutation Logout($refreshToken: String) {\n  logout(refreshToken: $refreshToken)\n}", { refreshToken: null }),
  tab("mutation LogoutEverywhere {\n  logoutEverywhere\n}"),
  tab("# Group admin only\nquery Users {\n  users(first: 20) { nodes { id email enabled status } pageInfo { endCursor hasNextPage } }\n}"),
  tab("# Group admin only\nmutation AdminCreateUser($input: AdminCreateUserInput!) {\n  adminCreateUser(input: $input) { id email status }\n}", { input: { email: "new.colleague@example.com" } }),
  ...["adminDisableUser", "adminEnableUser", "adminGlobalSignOut", "adminResetMfa", "adminUnlockUser"].map((field) =>
    tab(`# Group admin only; userId is the user's sub\nmutation ${field[0]!.toUpperCase()}${field.slice(1)}($userId: ID!) {\n  ${field}(userId: $userId)\n}`, { userId: "" }),
  ),
  tab("# Group provider only: emergency (break-glass) access for this session, with a fresh TOTP code\nmutation RequestEmergencyAccess($input: EmergencyAccessInput!, $code: String!) {\n  requestEmergencyAccess(input: $input, code: $code) { id scope patientRef expiresAt status }\n}", { input: { reason: "Patient unconscious in ER, no assigned clinician reachable", patientRef: "", scope: "READ" }, code: "" }),
  tab("# The grant's holder or an admin\nmutation EndEmergencyAccess($id: ID!) {\n  endEmergencyAccess(id: $id) { id status endReason }\n}", { id: "" }),
  tab("# Group admin only\nquery EmergencyAccesses {\n  emergencyAccesses(filter: { unreviewed: true }, first: 20) { nodes { id userId patientRef reason grantedAt status escalatedAt } pageInfo { endCursor hasNextPage } }\n}"),
  tab("# Group admin only\nmutation ReviewEmergencyAccess($id: ID!, $verdict: EmergencyVerdict!, $note: String!) {\n  reviewEmergencyAccess(id: $id, verdict: $verdict, note: $note) { id verdict reviewedAt }\n}", { id: "", verdict: "JUSTIFIED", note: "" }),
  ...["adminAddUserToGroup", "adminRemoveUserFromGroup"].map((field) =>
    tab(`# Group admin only\nmutation ${field[0]!.toUpperCase()}${field.slice(1)}($userId: ID!, $group: Group!) {\n  ${field}(userId: $userId, group: $group)\n}`, { userId: "", group: "PROVIDER" }),
  ),
];
