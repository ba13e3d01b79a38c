import type { PageInfo } from "./admin/admin.types";

/** One reading of forward pagination for every list: where the page began, where the next one starts. */
export const pageInfoOf = (after: string | undefined, endCursor: string | undefined, hasNextPage: boolean): PageInfo => ({
  startCursor: after ?? null,
  hasPreviousPage: after !== undefined,
  endCursor: endCursor ?? null,
  hasNextPage,
});
