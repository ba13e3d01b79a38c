/** The gateway operations this client sends (plain strings: no GraphQL library in the bundle). */
const PAYLOAD = "tokens { accessToken idToken refreshToken expiresIn } challenge { name session alternatives }";

export const ops = {
  login: `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${PAYLOAD} } }`,
  beginMfaSetup: "mutation BeginMfaSetup($session: String!) { beginMfaSetup(session: $session) { secret otpauthUri qrCodeDataUrl session } }",
  completeMfaSetup: `mutation CompleteMfaSetup($session: String!, $code: String!) { completeMfaSetup(session: $session, code: $code) { ${PAYLOAD} } }`,
  respondToMfa: `mutation RespondToMfa($session: String!, $code: String!) { respondToMfa(session: $session, code: $code) { ${PAYLOAD} } }`,
  beginPasskeyLogin: "mutation BeginPasskeyLogin($email: String) { beginPasskeyLogin(email: $email) { session options } }",
  completePasskeyLogin: `mutation CompletePasskeyLogin($session: String!, $response: String!) { completePasskeyLogin(session: $session, response: $response) { ${PAYLOAD} } }`,
  beginPasskeyMfa: "mutation BeginPasskeyMfa($session: String!) { beginPasskeyMfa(session: $session) { session options } }",
  respondWithPasskey: `mutation RespondWithPasskey($session: String!, $response: String!) { respondWithPasskey(session: $session, response: $response) { ${PAYLOAD} } }`,
  respondWithRecoveryCode: `mutation RespondWithRecoveryCode($session: String!, $code: String!) { respondWithRecoveryCode(session: $session, code: $code) { ${PAYLOAD} } }`,
  completeNewPassword: `mutation CompleteNewPassword($session: String!, $newPassword: String!) { completeNewPassword(session: $session, newPassword: $newPassword) { ${PAYLOAD} } }`,
  completeExpiredPassword: `mutation CompleteExpiredPassword($session: String!, $newPassword: String!, $currentPassword: String) { completeExpiredPassword(session: $session, newPassword: $newPassword, currentPassword: $currentPassword) { ${PAYLOAD} } }`,
  refreshTokens: `mutation RefreshTokens($refreshToken: String!) { refreshTokens(refreshToken: $refreshToken) { ${PAYLOAD} } }`,
  logout: "mutation Logout($refreshToken: String) { logout(refreshToken: $refreshToken) }",
  register: "mutation Register($input: RegisterInput!) { register(input: $input) { accepted nextStep } }",
  confirmSignUp: "mutation ConfirmSignUp($email: String!, $code: String!) { confirmSignUp(email: $email, code: $code) }",
  resendConfirmationCode: "mutation ResendConfirmationCode($email: String!) { resendConfirmationCode(email: $email) }",
  forgotPassword: "mutation ForgotPassword($email: String!) { forgotPassword(email: $email) }",
  confirmForgotPassword:
    "mutation ConfirmForgotPassword($email: String!, $code: String!, $newPassword: String!) { confirmForgotPassword(email: $email, code: $code, newPassword: $newPassword) }",
  exchangeAuthorizationCode: `mutation ExchangeAuthorizationCode($code: String!, $codeVerifier: String!, $redirectUri: String!, $nonce: String) { exchangeAuthorizationCode(code: $code, codeVerifier: $codeVerifier, redirectUri: $redirectUri, nonce: $nonce) { ${PAYLOAD} } }`,
  me: "query CurrentUser { me { sub email emailVerified givenName familyName groups memberOf mfaStatus { enabled method } } }",
  logoutEverywhere: "mutation LogoutEverywhere { logoutEverywhere }",
  passwordPolicy: "query PasswordPolicy { passwordPolicy { minLength rules { id description } } }",
} as const;

export type WireTokens = { accessToken: string; idToken: string; refreshToken: string | null; expiresIn: number };
export type WirePayload = { tokens: WireTokens | null; challenge: { name: string; session: string; alternatives?: string[] } | null };
export type WireMfaSetup = { secret: string; otpauthUri: string; qrCodeDataUrl: string; session: string };

/** changePassword, with the step-up argument (`code` or `passkey`) only when one is given. */
export const changePasswordOperation = (stepUp: { declarations: string; arguments: string }) =>
  `mutation ChangePassword($currentPassword: String!, $newPassword: String!${stepUp.declarations}) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword${stepUp.arguments}) }`;
