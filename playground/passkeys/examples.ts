/**
 * Example tabs for the passkey operations, kept apart from examples.ts while the playground is being
 * rewritten; the new playground folds them into its tab list (test/unit/playground-examples.test.ts reads both).
 */
const tab = (query: string, variables: Record<string, unknown> = {}) => ({ query, variables: JSON.stringify(variables, null, 2) });

export const passkeyExampleTabs = [
  tab("query Passkeys {\n  passkeys { id nickname createdAt lastUsedAt deviceType backedUp }\n}"),
  tab("# Within 5 minutes of signing in (step-up); pass the JSON to navigator.credentials.create\nmutation BeginPasskeyRegistration {\n  beginPasskeyRegistration\n}"),
  tab("mutation CompletePasskeyRegistration($response: String!, $nickname: String!) {\n  completePasskeyRegistration(response: $response, nickname: $nickname) { id nickname }\n}", { response: "", nickname: "Laptop" }),
  tab("mutation RenamePasskey($id: String!, $nickname: String!) {\n  renamePasskey(id: $id, nickname: $nickname) { id nickname }\n}", { id: "", nickname: "" }),
  tab("mutation RemovePasskey($id: String!) {\n  removePasskey(id: $id)\n}", { id: "" }),
  tab("mutation BeginPasskeyLogin($email: String) {\n  beginPasskeyLogin(email: $email) { options session }\n}", { email: null }),
  tab("mutation CompletePasskeyLogin($session: String!, $response: String!) {\n  completePasskeyLogin(session: $session, response: $response) { tokens { expiresIn } }\n}", { session: "", response: "" }),
  tab("# After login answered SOFTWARE_TOKEN_MFA with alternatives [WEBAUTHN]\nmutation BeginPasskeyMfa($session: String!) {\n  beginPasskeyMfa(session: $session) { options session }\n}", { session: "" }),
  tab("mutation RespondWithPasskey($session: String!, $response: String!) {\n  respondWithPasskey(session: $session, response: $response) { tokens { expiresIn } }\n}", { session: "", response: "" }),
  tab("# Group admin only\nquery AdminPasskeys($userId: ID!) {\n  adminPasskeys(userId: $userId) { id nickname lastUsedAt }\n}", { userId: "" }),
  tab("# Group admin only\nmutation AdminRemovePasskey($userId: ID!, $id: String!) {\n  adminRemovePasskey(userId: $userId, id: $id)\n}", { userId: "", id: "" }),
  tab("query RecoveryCodesLeft {\n  recoveryCodesLeft\n}"),
  tab("# Within 5 minutes of signing in; shown once\nmutation GenerateRecoveryCodes {\n  generateRecoveryCodes\n}"),
  tab("# Instead of the TOTP code; continues to MFA_SETUP\nmutation RespondWithRecoveryCode($session: String!, $code: String!) {\n  respondWithRecoveryCode(session: $session, code: $code) { challenge { name session } }\n}", { session: "", code: "" }),
];
