import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Forward pagination (`first`/`after`); every list of the API pages this way, none backward." })
export class PageInfo {
  @Field(() => String, { nullable: true, description: "Pass as `after` for the next page; null when there is none." }) endCursor!: string | null;
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The `after` this page was read with (null for the first page): `after: startCursor` reads this page again." })
  startCursor!: string | null;
  @Field({ description: "True when this page was read with `after`, i.e. entries come before it. There is no `before`/`last`: go back by keeping the earlier cursors." })
  hasPreviousPage!: boolean;
}

/** One reading of forward pagination for every list: where the page began, where the next one starts. */
export const pageInfoOf = (after: string | undefined, endCursor: string | undefined, hasNextPage: boolean): PageInfo => ({
  startCursor: after ?? null,
  hasPreviousPage: after !== undefined,
  endCursor: endCursor ?? null,
  hasNextPage,
});
