import { accountActions, stepUpVariables, type AccountActions, type ConfirmSignUpResult, type CurrentUser, type SignUpResult, type StepUp } from "./account";
import { AuthGatewayError, isExpiredToken, isSessionOver } from "./errors";
import { createHostedLogin, type HostedLogin, type HostedLoginOptions } from "./hosted-login";
import { changePasswordOperation, ops, type WireMfaSetup, type WirePayload } from "./operations";
import { stepFor, type MfaSetupDetails, type PasskeyStep, type SignInResult, type StepActions } from "./steps";
import { memoryTokenStorage, type Tokens, type TokenStorage } from "./token-storage";
import { httpTransport, type FetchLike, type Transport } from "./transport";
import { operationText, type DocumentInput } from "./typed-document";

export type AuthClientOptions = {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql (or "/graphql" in a browser on the same origin). */
  url: string;
  /** Where tokens live; memory by default. */
  storage?: TokenStorage;
  /** fetch to use (default: the global one). */
  fetch?: FetchLike;
  /** Extra headers for every request (e.g. x-request-id). */
  headers?: Record<string, string>;
  /** Refresh this long before the access token expires (default 60 s). */
  refreshLeewaySeconds?: number;
  /** Epoch milliseconds; inject for tests. */
  now?: () => number;
};

export type RegisterInput = { email: string; password: string; givenName?: string; familyName?: string };
export type PasswordPolicy = { minLength: number; rules: { id: string; description: string }[] };

export type AuthClient = StepActions & {
  /** Starts a sign-in. The gateway never answers a password with tokens: follow `nextStep` until DONE. */
  signIn(email: string, password: string): Promise<SignInResult>;
  /**
   * Starts a sign-in with a passkey alone (discoverable when `email` is omitted): answer the step's `options`
   * with navigator.credentials.get (e.g. @simplewebauthn/browser startAuthentication) and `submitPasskey`.
   */
  beginPasskeyLogin(email?: string): Promise<PasskeyStep>;
  completeMfaSetup(session: string, code: string): Promise<SignInResult>;
  /** Creates an account (the answer never says whether the email was taken); `nextStep` says what to ask next. */
  register(input: RegisterInput): Promise<SignUpResult>;
  confirmSignUp(email: string, code: string): Promise<ConfirmSignUpResult>;
  resendConfirmationCode(email: string): Promise<void>;
  forgotPassword(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void>;
  passwordPolicy(): Promise<PasswordPolicy>;
  /** The stored tokens as they are (possibly expired), or null when signed out. */
  getTokens(): Promise<Tokens | null>;
  /** A usable access token, refreshed first when it expires within the leeway; null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Refreshes now. Concurrent callers share one request; a dead session clears the tokens and rejects. */
  refreshTokens(): Promise<Tokens>;
  /**
   * An authenticated operation; on an expired-token answer it refreshes once and retries. Give it a typed
   * document from GraphQL Code Generator and the result and variables are typed from the schema.
   */
  request<R = Record<string, unknown>, V extends Record<string, unknown> = Record<string, unknown>>(document: DocumentInput<R, V>, variables?: V): Promise<R>;
  /** The signed-in user (the gateway's `me`). */
  currentUser(): Promise<CurrentUser>;
  /**
   * Changes the password; the gateway ends the other sessions. `stepUp` is a fresh second factor in the same
   * request (`{ code }` or `{ passkey }`), forwarded as is, for gateways that require it.
   */
  changePassword(currentPassword: string, newPassword: string, stepUp?: StepUp): Promise<void>;
  /** Ends every session of this user (this one included), then forgets the tokens. */
  signOutEverywhere(): Promise<void>;
  /** Redeems a hosted-login code (PKCE) at the gateway; `hostedLogin()` does the whole round trip. */
  exchangeAuthorizationCode(input: { code: string; codeVerifier: string; redirectUri: string; nonce?: string }): Promise<SignInResult>;
  /** Hosted login (authorization code + PKCE) for single-page and native apps, ending in this client's session. */
  hostedLogin(options: HostedLoginOptions): HostedLogin;
  /** Ends the session at the gateway (and revokes the refresh token), then forgets the tokens. */
  logout(): Promise<void>;
  /** Called after every sign-in, refresh and sign-out; returns an unsubscribe function. */
  onTokensChange(listener: (tokens: Tokens | null) => void): () => void;
  /** Changes of sign-in methods and of the email: each takes a fresh factor (a code, or a passkey step-up). */
  account: AccountActions;
};

/**
 * When to consider the access token expired: `expiresIn` from now. The access token is opaque (a gateway
 * handle; nothing here decodes it), and the gateway reports the true remaining life of the token behind it.
 */
const expiryOf = (wire: { expiresIn: number }, nowMs: number): number => nowMs + wire.expiresIn * 1000;

export const createAuthClient = (options: AuthClientOptions): AuthClient => {
  const storage = options.storage ?? memoryTokenStorage();
  const now = options.now ?? Date.now;
  const leewayMs = (options.refreshLeewaySeconds ?? 60) * 1000;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transport: Transport = httpTransport(options.url, fetchImpl, options.headers);
  const listeners = new Set<(tokens: Tokens | null) => void>();
  let refreshing: Promise<Tokens> | null = null;

  const store = async (tokens: Tokens | null): Promise<void> => {
    await storage.save(tokens);
    for (const listener of listeners) listener(tokens);
  };

  const toTokens = (wire: NonNullable<WirePayload["tokens"]>, previous: Tokens | null): Tokens => ({
    accessToken: wire.accessToken,
    idToken: wire.idToken,
    refreshToken: wire.refreshToken ?? previous?.refreshToken ?? null,
    expiresAt: expiryOf(wire, now()),
  });

  /** Any AuthPayload → stored tokens, or the step the challenge name calls for. */
  const settle = async (payload: WirePayload): Promise<SignInResult> => {
    if (payload.tokens) {
      const tokens = toTokens(payload.tokens, null);
      await store(tokens);
      return { isSignedIn: true, nextStep: { name: "DONE" }, tokens };
    }
    if (!payload.challenge) throw new AuthGatewayError("INTERNAL_SERVER_ERROR", "The gateway answered with neither tokens nor a challenge.");
    return { isSignedIn: false, nextStep: stepFor(payload.challenge, actions) };
  };

  const call = <K extends string, T>(field: K, query: string, variables: Record<string, unknown>, token?: string | null) =>
    transport.send<Record<K, T>>(query, variables, token).then((data) => data[field]);

  const payloadOf = async <K extends keyof typeof ops>(field: K, variables: Record<string, unknown>) => settle(await call<K, WirePayload>(field, ops[field], variables));

  const completeMfaSetup = (session: string, code: string) => payloadOf("completeMfaSetup", { session, code });

  const actions: StepActions = {
    beginMfaSetup: async (session): Promise<MfaSetupDetails> => {
      const setup = await call<"beginMfaSetup", WireMfaSetup>("beginMfaSetup", ops.beginMfaSetup, { session });
      return { ...setup, submitCode: (code) => completeMfaSetup(setup.session, code) };
    },
    respondToMfa: (session, code) => payloadOf("respondToMfa", { session, code }),
    beginPasskeyMfa: async (session): Promise<PasskeyStep> => {
      const next = await call<"beginPasskeyMfa", { session: string; options: string }>("beginPasskeyMfa", ops.beginPasskeyMfa, { session });
      return { name: "WEBAUTHN", ...next, submitPasskey: (response) => payloadOf("respondWithPasskey", { session: next.session, response }) };
    },
    respondWithPasskey: (session, response) => payloadOf("respondWithPasskey", { session, response }),
    respondWithRecoveryCode: (session, code) => payloadOf("respondWithRecoveryCode", { session, code }),
    completeNewPassword: (session, newPassword) => payloadOf("completeNewPassword", { session, newPassword }),
    completeExpiredPassword: (session, newPassword, currentPassword) => payloadOf("completeExpiredPassword", { session, newPassword, currentPassword }),
  };

  const doRefresh = async (): Promise<Tokens> => {
    const previous = await storage.load();
    if (!previous?.refreshToken) throw new AuthGatewayError("UNAUTHENTICATED", "Not signed in.");
    let payload: WirePayload;
    try {
      payload = await call<"refreshTokens", WirePayload>("refreshTokens", ops.refreshTokens, { refreshToken: previous.refreshToken });
    } catch (error) {
      // The session is over (logged out elsewhere, idle, disabled): forget the tokens. Network trouble keeps them.
      if (isSessionOver(error)) await store(null);
      throw error;
    }
    if (!payload.tokens) {
      await store(null);
      throw new AuthGatewayError("UNAUTHENTICATED", "The session needs a new sign-in.");
    }
    const tokens = toTokens(payload.tokens, previous);
    await store(tokens);
    return tokens;
  };

  const refreshTokens = (): Promise<Tokens> => {
    // Single flight: the first caller starts the refresh, everyone arriving meanwhile gets the same promise.
    refreshing ??= doRefresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const getAccessToken = async (): Promise<string | null> => {
    if (refreshing) return (await refreshing).accessToken;
    const tokens = await storage.load();
    if (!tokens) return null;
    if (tokens.expiresAt - leewayMs > now()) return tokens.accessToken;
    return (await refreshTokens()).accessToken;
  };

  const send = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const token = await getAccessToken();
    try {
      return await transport.send<T>(query, variables, token);
    } catch (error) {
      if (!token || !isExpiredToken(error)) throw error;
      return transport.send<T>(query, variables, (await refreshTokens()).accessToken);
    }
  };

  const request = async <R, V extends Record<string, unknown>>(document: DocumentInput<R, V>, variables?: V): Promise<R> => send<R>(operationText(document as DocumentInput<unknown, unknown>), variables);

  const signUpStep = (email: string, name: string): SignUpResult["nextStep"] =>
    name === "CONFIRM_SIGN_UP"
      ? { name, confirm: (code) => confirmSignUp(email, code), resendCode: async () => { await call("resendConfirmationCode", ops.resendConfirmationCode, { email }); } }
      : { name: "UNSUPPORTED", stepName: name };

  const confirmSignUp = async (email: string, code: string): Promise<ConfirmSignUpResult> => {
    await call("confirmSignUp", ops.confirmSignUp, { email, code });
    return { isSignUpComplete: true, nextStep: { name: "SIGN_IN" } };
  };

  const exchangeAuthorizationCode: AuthClient["exchangeAuthorizationCode"] = (input) => payloadOf("exchangeAuthorizationCode", { ...input, nonce: input.nonce ?? null });

  const logout = async (): Promise<void> => {
    const tokens = await storage.load();
    if (!tokens) return;
    try {
      const token = await getAccessToken().catch((error: unknown) => {
        if (isSessionOver(error)) return null; // the refresh found the session already over
        throw error;
      });
      if (token) await call("logout", ops.logout, { refreshToken: tokens.refreshToken }, token);
    } catch (error) {
      // A session the gateway already ended is a successful logout; anything else is reported after forgetting locally.
      if (!isSessionOver(error)) throw error;
    } finally {
      await store(null);
    }
  };

  return {
    ...actions,
    completeMfaSetup,
    signIn: (email, password) => payloadOf("login", { email, password }),
    beginPasskeyLogin: async (email) => {
      const next = await call<"beginPasskeyLogin", { session: string; options: string }>("beginPasskeyLogin", ops.beginPasskeyLogin, email ? { email } : {});
      return { name: "WEBAUTHN", ...next, submitPasskey: (response) => payloadOf("completePasskeyLogin", { session: next.session, response }) };
    },
    register: async (input) => {
      const answer = await call<"register", { accepted: boolean; nextStep: string }>("register", ops.register, { input });
      return { accepted: answer.accepted, nextStep: signUpStep(input.email, answer.nextStep) };
    },
    confirmSignUp,
    resendConfirmationCode: async (email) => {
      await call("resendConfirmationCode", ops.resendConfirmationCode, { email });
    },
    forgotPassword: async (email) => {
      await call("forgotPassword", ops.forgotPassword, { email });
    },
    confirmForgotPassword: async (email, code, newPassword) => {
      await call("confirmForgotPassword", ops.confirmForgotPassword, { email, code, newPassword });
    },
    passwordPolicy: () => call<"passwordPolicy", PasswordPolicy>("passwordPolicy", ops.passwordPolicy, {}),
    getTokens: async () => storage.load(),
    getAccessToken,
    refreshTokens,
    request,
    currentUser: async () => (await send<{ me: CurrentUser }>(ops.me)).me,
    changePassword: async (currentPassword, newPassword, stepUp) => {
      const extra = stepUpVariables(stepUp);
      await send(changePasswordOperation(extra), { currentPassword, newPassword, ...extra.variables });
    },
    signOutEverywhere: async () => {
      try {
        await send(ops.logoutEverywhere);
      } catch (error) {
        // Sessions the gateway already ended count as ended; anything else is reported after forgetting locally.
        if (!isSessionOver(error)) {
          await store(null);
          throw error;
        }
      }
      await store(null);
    },
    exchangeAuthorizationCode,
    hostedLogin: (hosted) => createHostedLogin(hosted, exchangeAuthorizationCode),
    logout,
    onTokensChange: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    account: accountActions(request, (query, variables) => transport.send(query, variables, null)),
  };
};
