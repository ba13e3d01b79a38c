/** What a signed-in client keeps. `expiresAt` is the access token's expiry in epoch milliseconds. */
export type Tokens = {
  accessToken: string;
  idToken: string;
  /** Absent only if the gateway never issued one; refresh keeps the previous one when none comes back. */
  refreshToken: string | null;
  expiresAt: number;
};

/**
 * Where the app keeps the tokens. The default is memory (gone on reload, invisible to other tabs), the
 * safest choice for PHI-handling apps; a native app may put them in the keychain, a server in its session.
 * Both methods may be synchronous or return a promise.
 */
export interface TokenStorage {
  load(): Tokens | null | Promise<Tokens | null>;
  save(tokens: Tokens | null): void | Promise<void>;
}

export const memoryTokenStorage = (): TokenStorage => {
  let tokens: Tokens | null = null;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
};
