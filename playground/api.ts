/** The tokens of this tab: in memory only, never in localStorage or cookies. */
export type Session = { accessToken: string; refreshToken: string | null; expiresIn: number };

let current: Session | null = null;
export const session = () => current;
export const setSession = (next: Session | null) => {
  current = next;
};

export type GraphQLResult<T> = { data?: T | null; errors?: { message: string; extensions?: { code?: string; rules?: string[] } }[] };

/** POSTs one operation to the gateway, with the Authorization header when signed in. */
export const graphql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> => {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(current ? { authorization: `Bearer ${current.accessToken}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
};

/** "CODE: message (rules)" for the first error, for the panel's status line. */
export const describeError = (result: GraphQLResult<unknown>): string | null => {
  const error = result.errors?.[0];
  if (!error) return null;
  const rules = error.extensions?.rules ? ` (${error.extensions.rules.join(", ")})` : "";
  return `${error.extensions?.code ?? "ERROR"}: ${error.message}${rules}`;
};
