import { parse, print } from "graphql";

/** The explorer's examples: one per operation, in groups, with names people use. */
export type Example = { title: string; description: string; query: string; variables: string; subgraph?: string };
export type ExampleGroup = { id: string; label: string; examples: Example[] };

/** One field per line, so nothing hides past the editor's edge (documents with comments stay as written). */
const pretty = (query: string) => (query.includes("#") ? query : print(parse(query)));

const example = (title: string, description: string, query: string, variables: Record<string, unknown> = {}): Example => ({
  title,
  description,
  query: pretty(query),
  variables: JSON.stringify(variables, null, 2),
});

/** `stepUp`: the action grants or gives access back, so it carries the administrator's fresh code (or `passkey`). */
const adminMutation = (title: string, description: string, field: string, options: { withGroup?: boolean; stepUp?: boolean } = {}): Example => {
  const { withGroup = false, stepUp = false } = options;
  const params = `$userId: ID!${withGroup ? ", $group: Group!" : ""}${stepUp ? ", $code: String" : ""}`;
  const args = `userId: $userId${withGroup ? ", group: $group" : ""}${stepUp ? ", code: $code" : ""}`;
  return example(
    title,
    `${description}${stepUp ? " Confirm with your authenticator: a fresh code (or `passkey`)." : ""} Administrators only; userId is the user's sub (see "All users").`,
    `mutation ${field[0]!.toUpperCase()}${field.slice(1)}(${params}) {\n  ${field}(${args})\n}`,
    { userId: "", ...(withGroup && { group: "PROVIDER" }), ...(stepUp && { code: "" }) },
  );
};

const signIn: Example[] = [
  example("Create an account", "Same answer whether or not the email is taken.", "mutation Register($input: RegisterInput!) {\n  register(input: $input) { accepted nextStep }\n}", {
    input: { email: "ada@example.com", password: "Correct-Horse-9!" },
  }),
  example("Confirm the email", "With the code from the email (dev mode prints it in the console).", "mutation ConfirmSignUp($email: String!, $code: String!) {\n  confirmSignUp(email: $email, code: $code)\n}", {
    email: "ada@example.com",
    code: "123456",
  }),
  example("Send a new code", "Always true: it never reveals whether the account exists.", "mutation ResendConfirmationCode($email: String!) {\n  resendConfirmationCode(email: $email)\n}", { email: "ada@example.com" }),
  example("Sign in", "Never returns tokens directly: the answer is the next step.", "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) { challenge { name session } }\n}", {
    email: "ada@example.com",
    password: "Correct-Horse-9!",
  }),
  example(
    "Choose a first password",
    "For invited users, after signing in with the temporary password.",
    "mutation CompleteNewPassword($session: String!, $newPassword: String!) {\n  completeNewPassword(session: $session, newPassword: $newPassword) { challenge { name session } }\n}",
    { session: "", newPassword: "" },
  ),
  example(
    "Replace an expired password",
    "When sign-in says the password is too old.",
    "mutation CompleteExpiredPassword($session: String!, $newPassword: String!) {\n  completeExpiredPassword(session: $session, newPassword: $newPassword) { challenge { name session } }\n}",
    { session: "", newPassword: "" },
  ),
  example("Forgot password", "Sends a reset code if the account exists; always true.", "mutation ForgotPassword($email: String!) {\n  forgotPassword(email: $email)\n}", { email: "ada@example.com" }),
  example(
    "Reset with the code",
    "Sets the new password and ends every session of the account.",
    "mutation ConfirmForgotPassword($email: String!, $code: String!, $newPassword: String!) {\n  confirmForgotPassword(email: $email, code: $code, newPassword: $newPassword)\n}",
    { email: "ada@example.com", code: "123456", newPassword: "" },
  ),
  example(
    "Hosted login: exchange a code",
    "For native and single-page apps that ran Cognito's hosted login with PKCE themselves (needs COGNITO_DOMAIN).",
    "mutation ExchangeAuthorizationCode($code: String!, $codeVerifier: String!, $redirectUri: String!, $nonce: String) {\n  exchangeAuthorizationCode(code: $code, codeVerifier: $codeVerifier, redirectUri: $redirectUri, nonce: $nonce) {\n    tokens { accessToken expiresIn }\n  }\n}",
    { code: "", codeVerifier: "", redirectUri: "", nonce: null },
  ),
  example("Refresh tokens", "New access and id tokens from the refresh token.", "mutation RefreshTokens($refreshToken: String!) {\n  refreshTokens(refreshToken: $refreshToken) { tokens { expiresIn } }\n}", { refreshToken: "" }),
  example("Sign out", "Ends this session at once; with the refresh token, revokes it too.", "mutation Logout($refreshToken: String) {\n  logout(refreshToken: $refreshToken)\n}", { refreshToken: null }),
  example("Sign out everywhere", "Ends every session of the signed-in user.", "mutation LogoutEverywhere {\n  logoutEverywhere\n}"),
];

const account: Example[] = [
  example("Who am I", "The signed-in user, from the verified token and the gateway's records.", "query Me {\n  me { sub email givenName familyName memberOf mfaStatus { enabled method } }\n}"),
  example("Recent activity", "Your own sign-ins, failures, addresses and devices (reading it is audited).", "query LoginHistory {\n  loginHistory(first: 20) { nodes { eventTime event outcome reason ip userAgent } pageInfo { endCursor hasNextPage } }\n}"),
  example("My sessions", "Every live session of the signed-in user.", "query Sessions {\n  sessions { id createTime ip userAgent current }\n}"),
  example("Password rules", "What every new password must meet (anyone may ask).", "query PasswordPolicy {\n  passwordPolicy { minLength rules { id description } }\n}"),
  example("Change password", "Confirm with your authenticator: the current password and a fresh code (or `passkey`). Keeps this session and ends all others.", "mutation ChangePassword($currentPassword: String!, $newPassword: String!, $code: String) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword, code: $code)\n}", {
    currentPassword: "",
    newPassword: "",
    code: "",
  }),
  example("Edit profile", "Given and family name only.", "mutation UpdateProfile($input: UpdateProfileInput!) {\n  updateProfile(input: $input) { givenName familyName }\n}", { input: { givenName: "Ada" } }),
  example("Change email", "Confirm with your authenticator (a fresh code, or `passkey`). Sends a code to the new address; the old address is told at once and can undo it for 7 days.", "mutation RequestEmailChange($newEmail: String!, $code: String) {\n  requestEmailChange(newEmail: $newEmail, code: $code)\n}", { newEmail: "", code: "" }),
  example("Confirm the new email", "With the code sent to the new address.", "mutation ConfirmEmailChange($code: String!) {\n  confirmEmailChange(code: $code)\n}", { code: "" }),
  example("Undo an email change", "No sign-in: the token the old address received. Restores it and ends every session.", "mutation UndoEmailChange($token: String!) {\n  undoEmailChange(token: $token)\n}", { token: "" }),
];

const mfa: Example[] = [
  example("Start authenticator setup", "The first step of a new account's sign-in: a secret and a QR code for the app.", "mutation BeginMfaSetup($session: String!) {\n  beginMfaSetup(session: $session) { secret otpauthUri session }\n}", { session: "" }),
  example("Finish authenticator setup", "The first code from the app turns MFA on and signs in.", "mutation CompleteMfaSetup($session: String!, $code: String!) {\n  completeMfaSetup(session: $session, code: $code) { tokens { expiresIn } }\n}", {
    session: "",
    code: "",
  }),
  example("Enter a one-time code", "The code step of every later sign-in.", "mutation RespondToMfa($session: String!, $code: String!) {\n  respondToMfa(session: $session, code: $code) { tokens { expiresIn } }\n}", { session: "", code: "" }),
  example("Replace the authenticator", "Needs the password and a current code; finish with “Finish authenticator setup”.", "mutation ResetMfa($currentPassword: String!, $code: String!) {\n  resetMfa(currentPassword: $currentPassword, code: $code) { secret otpauthUri session }\n}", {
    currentPassword: "",
    code: "",
  }),
];

const admin: Example[] = [
  // The filter sits in the document, not in the collapsed Variables pane: what you see is what runs.
  example(
    "Search the audit trail",
    "Administrators only; reading the audit trail is itself audited. This one lists sign-ins: change or remove the filter (actor, event, from…).",
    'query AuditEvents {\n  auditEvents(filter: { event: "LOGIN" }, first: 20) { nodes { id eventTime event outcome reason subject actor target ip } pageInfo { endCursor hasNextPage } }\n}',
  ),
  example("All users", "The directory, 20 at a time. Administrators only.", "query Users {\n  users(first: 20) { nodes { id email enabled status } pageInfo { endCursor hasNextPage } }\n}"),
  example("Invite a user", "Cognito emails a temporary password. Administrators only.", "mutation AdminCreateUser($input: AdminCreateUserInput!) {\n  adminCreateUser(input: $input) { id email status }\n}", {
    input: { email: "new.colleague@example.com" },
  }),
  adminMutation("Disable a user", "Ends their sessions at once and refuses their sign-ins.", "adminDisableUser"),
  adminMutation("Enable a user", "Lets them sign in again.", "adminEnableUser", { stepUp: true }),
  adminMutation("Sign a user out", "Ends every session of the user.", "adminGlobalSignOut"),
  adminMutation("Reset a user's MFA", "They set up an authenticator again at the next sign-in.", "adminResetMfa", { stepUp: true }),
  adminMutation("Unlock a user", "Lifts a lockout after failed sign-ins.", "adminUnlockUser", { stepUp: true }),
  adminMutation("Add to a group", "Shows in the user's next token.", "adminAddUserToGroup", { withGroup: true, stepUp: true }),
  adminMutation("Remove from a group", "Ends the user's sessions so it applies at once.", "adminRemoveUserFromGroup", { withGroup: true }),
];

const federation: Example[] = [
  example(
    "What subgraphs see",
    "Product subgraphs never get your token, only a signed identity assertion.",
    "# In gateway mode (SUBGRAPHS=name=url,…) this endpoint also serves the product's subgraphs.\n# For each subgraph request the gateway signs a 60-second ES256 assertion with exactly\n# these facts (sub, groups, session id), for that subgraph and that operation only.\nquery WhatSubgraphsSee {\n  me { sub memberOf }\n}",
  ),
  {
    ...example(
      "Subgraph: my record",
      "Answered by the example patients subgraph (gateway mode, SUBGRAPHS=patients=…), as a patient; other groups get FORBIDDEN. Without the subgraph the gateway does not know the field.",
      "query MyRecord {\n  myRecord { id owner note }\n}",
    ),
    subgraph: "patients",
  },
  {
    ...example(
      "Subgraph: patients",
      "Answered by the example patients subgraph, as a provider (your assigned patients) or an administrator (all); patients get FORBIDDEN.",
      "query Patients {\n  patients { id owner }\n}",
    ),
    subgraph: "patients",
  },
];

const passkeys: Example[] = [
  example("My passkeys", "Nickname, dates and kind (multiDevice = synced, backup eligible). The Passkeys card in the sign-in panel registers them in this browser.", "query Passkeys {\n  passkeys { id nickname createTime lastUseTime deviceType backedUp }\n}"),
  example("Register a passkey: options", "Confirm with your authenticator (a fresh code, or `passkey`); pass the JSON to navigator.credentials.create.", "mutation BeginPasskeyRegistration($code: String) {\n  beginPasskeyRegistration(code: $code)\n}", { code: "" }),
  example("Register a passkey: finish", "The browser's answer, and a name you will recognise.", "mutation CompletePasskeyRegistration($response: String!, $nickname: String!) {\n  completePasskeyRegistration(response: $response, nickname: $nickname) { id nickname }\n}", { response: "", nickname: "Laptop" }),
  example("Rename a passkey", "Only the nickname changes. Needs a fresh code (or a passkey answer): the name is how you tell which passkey to remove.", "mutation RenamePasskey($id: String!, $nickname: String!, $code: String) {\n  renamePasskey(id: $id, nickname: $nickname, code: $code) { id nickname }\n}", { id: "", nickname: "", code: "" }),
  example("Remove a passkey", "Confirm with your authenticator. Never your last second factor; your other sessions end.", "mutation RemovePasskey($id: String!, $code: String) {\n  removePasskey(id: $id, code: $code)\n}", { id: "", code: "" }),
  example("Sign in with a passkey: options", "Discoverable: the same answer for every email.", "mutation BeginPasskeyLogin($email: String) {\n  beginPasskeyLogin(email: $email) { options session }\n}", { email: null }),
  example("Sign in with a passkey: finish", "A passkey that verified you (PIN, biometrics) is both factors.", "mutation CompletePasskeyLogin($session: String!, $response: String!) {\n  completePasskeyLogin(session: $session, response: $response) { tokens { expiresIn } }\n}", { session: "", response: "" }),
  example("Passkey instead of the code", "After sign-in answered SOFTWARE_TOKEN_MFA with alternatives [WEBAUTHN].", "mutation BeginPasskeyMfa($session: String!) {\n  beginPasskeyMfa(session: $session) { options session }\n}", { session: "" }),
  example("Passkey instead of the code: finish", "The second factor after the password.", "mutation RespondWithPasskey($session: String!, $response: String!) {\n  respondWithPasskey(session: $session, response: $response) { tokens { expiresIn } }\n}", { session: "", response: "" }),
  example("Passkey for a sensitive action", "A fresh assertion in this session: the `passkey` argument of a change of sign-in methods, of the email, or of emergency access.", "mutation BeginPasskeyStepUp {\n  beginPasskeyStepUp\n}"),
  example("Recovery codes left", "Unused single-use codes.", "query RecoveryCodesLeft {\n  recoveryCodesLeft\n}"),
  example("New recovery codes", "Confirm with your authenticator; shown once; the previous set stops working.", "mutation GenerateRecoveryCodes($code: String) {\n  generateRecoveryCodes(code: $code)\n}", { code: "" }),
  example("Lost your phone?", "A recovery code instead of the TOTP code; you then set up a new authenticator.", "mutation RespondWithRecoveryCode($session: String!, $code: String!) {\n  respondWithRecoveryCode(session: $session, code: $code) { challenge { name session } }\n}", { session: "", code: "" }),
  example("A user's passkeys", "Administrators only.", "query AdminPasskeys($userId: ID!) {\n  adminPasskeys(userId: $userId) { id nickname lastUseTime }\n}", { userId: "" }),
  example("Revoke a user's passkey", "Administrators only: a lost or stolen device; every session of the user ends.", "mutation AdminRemovePasskey($userId: ID!, $id: String!) {\n  adminRemovePasskey(userId: $userId, id: $id)\n}", { userId: "", id: "" }),
];

const emergency: Example[] = [
  example(
    "Request emergency access",
    "Break-glass, group provider only: a fresh TOTP code, a reason (stored, reviewed, never logged), optionally one patient. Alerted at once.",
    "# Or, instead of code: passkey (the answer to beginPasskeyStepUp)\nmutation RequestEmergencyAccess($input: EmergencyAccessInput!, $code: String!) {\n  requestEmergencyAccess(input: $input, code: $code) { id scope patientRef expireTime status }\n}",
    { input: { reason: "Patient unconscious in ER, no assigned clinician reachable", patientRef: "", scope: "READ" }, code: "" },
  ),
  example("End emergency access", "The grant's holder or an administrator ends it early (logout, idle logoff, lock and disable end it too).", "mutation EndEmergencyAccess($id: ID!) {\n  endEmergencyAccess(id: $id) { id status endCause }\n}", { id: "" }),
  example("Emergency accesses to review", "Administrators only; grants nobody reviewed in time are escalated.", "query EmergencyAccesses {\n  emergencyAccesses(filter: { unreviewed: true }, first: 20) { nodes { id userId patientRef reason grantTime status escalateTime } pageInfo { endCursor hasNextPage } }\n}"),
  example("Review an emergency access", "Administrators only: JUSTIFIED or UNJUSTIFIED, with a note.", "mutation ReviewEmergencyAccess($id: ID!, $verdict: EmergencyVerdict!, $note: String!) {\n  reviewEmergencyAccess(id: $id, verdict: $verdict, note: $note) { id verdict reviewTime }\n}", { id: "", verdict: "JUSTIFIED", note: "" }),
];

export const exampleGroups: ExampleGroup[] = [
  { id: "sign-in", label: "Sign-in", examples: signIn },
  { id: "account", label: "Account", examples: account },
  { id: "mfa", label: "MFA", examples: mfa },
  { id: "passkeys", label: "Passkeys", examples: passkeys },
  { id: "admin", label: "Admin", examples: admin },
  { id: "emergency", label: "Emergency access", examples: emergency },
  { id: "federation", label: "Federation", examples: federation },
];

/** Every example, flat (the unit test checks they cover and fit the schema). */
export const exampleTabs = exampleGroups.flatMap((group) => group.examples);
