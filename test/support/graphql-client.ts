import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

export type GraphQLErrorBody = { message: string; path?: string[]; extensions: { code: string; reason?: string; [key: string]: unknown } };
export type GraphQLResponse<R> = { status: number; headers: Headers; data?: R | null; errors?: GraphQLErrorBody[] };

export type RequestOptions = { token?: string; headers?: Record<string, string> };

/** Sends one operation over real HTTP, as a client would (JSON, CSRF-safe content type). */
export const execute = async <R, V>(url: string, document: TypedDocumentNode<R, V> | string, variables?: V, options: RequestOptions = {}): Promise<GraphQLResponse<R>> => {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query: typeof document === "string" ? document : print(document), variables }),
  });
  const body = (await response.json()) as { data?: R | null; errors?: GraphQLErrorBody[] };
  return { status: response.status, headers: response.headers, ...body };
};

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export const dataOf = <R>(response: GraphQLResponse<R>): R => {
  if (response.errors?.length || !response.data) throw new Error(`expected data, got ${JSON.stringify(response.errors)}`);
  return response.data;
};

export const errorOf = <R>(response: GraphQLResponse<R>): GraphQLErrorBody => {
  const error = response.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return error;
};
