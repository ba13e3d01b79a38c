import { createAuthClient, type Tokens } from "@hipaa-auth-gateway/client";
import type { ExecutionResult } from "graphql";

/** The playground's one client of the gateway: tokens in memory only (the package's default storage). */
export const auth = createAuthClient({ url: "/graphql" });

/**
 * The gateway logs a session off after IDLE_TIMEOUT_SECONDS without requests. It does not publish the value,
 * so the session card counts down from the shipped default and the page signs itself out at zero.
 */
export const IDLE_TIMEOUT_SECONDS = 900;

let lastActivity = Date.now();
/** When this tab last sent the gateway an authenticated request (what the idle logoff counts from). */
export const lastActivityAt = () => lastActivity;
const touch = () => {
  lastActivity = Date.now();
};
auth.onTokensChange((tokens: Tokens | null) => {
  if (tokens) touch();
});

/** An authenticated operation for the panel (refreshes when due, retries once on an expired token). */
export const request = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const result = await auth.request<T>(query, variables);
  touch();
  return result;
};

const post = async (params: unknown, token: string | null) =>
  fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(params),
  });

type GraphiQLParams = { query?: string; operationName?: string | null; [key: string]: unknown };

/**
 * GraphiQL updates the operation name a moment after its editor changes; an example picked and run at once
 * would go out with the previous example's name ("Unknown operation"). A name the document does not define
 * is dropped (each example has one operation).
 */
const withLiveOperationName = (params: GraphiQLParams): GraphiQLParams => {
  const { operationName, query = "" } = params;
  if (!operationName || new RegExp(`\\b(query|mutation|subscription)\\s+${operationName}\\b`).test(query)) return params;
  const { operationName: _stale, ...rest } = params;
  return rest;
};

type Answer = ExecutionResult<Record<string, unknown>, { code?: string; reason?: string }>;

/**
 * GraphiQL's fetcher: the raw answer (errors included, GraphiQL shows them), with the client's access token,
 * refreshed first when due, and once more when the gateway calls it expired.
 */
export const graphiqlFetcher = async (raw: unknown): Promise<Answer> => {
  const params = withLiveOperationName(raw as GraphiQLParams);
  const token = await auth.getAccessToken().catch(() => null);
  let body = (await (await post(params, token)).json()) as Answer;
  const first = body.errors?.[0]?.extensions;
  if (token && first?.code === "UNAUTHENTICATED" && first.reason === "TOKEN_EXPIRED") {
    const fresh = await auth.refreshTokens().catch(() => null);
    if (fresh) body = (await (await post(params, fresh.accessToken)).json()) as Answer;
  }
  if (token) touch();
  return body;
};
