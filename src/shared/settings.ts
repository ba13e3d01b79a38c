/** Settings types several layers read (config.ts fills them from the environment). */
export type CognitoSettings = {
  userPoolId: string;
  clientId: string;
  clientSecret: string | undefined;
  region: string;
  endpoint: string | undefined;
  /** The `iss` claim of the pool's tokens and where its JWKS lives. */
  issuer: string;
  jwksUri: string;
};

export type OAuthSettings = {
  /** The pool's hosted domain (authorize, token, revoke and logout live under it). */
  domain: string;
  /** The gateway's own /auth/callback URL; undefined = no browser (cookie) flow. */
  callbackUrl: string | undefined;
  returnTo: string[];
  /** Redirect URIs apps may pass to exchangeAuthorizationCode. */
  redirectUris: string[];
  signOutUrl: string;
  cookieSameSite: "lax" | "strict";
  /** The app client's secret: the gateway redeems codes as the confidential client. */
  clientSecret: string | undefined;
};

export type AuditDatabaseSettings = {
  url: string;
  schema: string;
  writeTimeoutMs: number;
  synchronousCommit: "on" | "off";
  checkpointRecords: number;
  checkpointSeconds: number;
  retentionDays: number;
  /** AUDIT_CHAIN_KEY: seals every record and checkpoint; the database never holds it (required in AWS mode). */
  chainKey?: string | undefined;
  /** Dev mode without AUDIT_CHAIN_KEY: the file a generated key is kept in, so audit:verify can use it later. */
  devChainKeyFile?: string | undefined;
};

/** Passkeys (WebAuthn): the relying party browsers bind each assertion to. */
export type WebAuthnSettings = { rpId: string; rpName: string; origins: string[] };

/** Security notices to account owners (a recovery code was used), handed to the product's mailer. */
export type NoticeSettings = { url: string; secret: string; previousSecret?: string | undefined; retryDelaysMs: readonly number[] };

/** Gateway mode: how long a subgraph may take, and when its circuit breaker opens and probes again. */
export type SubgraphFaultSettings = { timeoutMs: number; breakerFailures: number; breakerOpenSeconds: number };
