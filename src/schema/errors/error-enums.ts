import { GraphQLEnumType } from "graphql";
import { ErrorCode, ErrorReason, errorReasonDescriptions, messageFor } from "../../errors/error-codes";

/**
 * The public codes and reasons as schema enums. No field returns them (errors travel in `extensions`); they
 * are in the schema so clients generate the lists from it instead of copying them.
 */
export const ErrorCodeEnum = new GraphQLEnumType({
  name: "ErrorCode",
  description: "Every value of an error's `extensions.code` (docs/error-codes.md). Anything else is masked as INTERNAL_SERVER_ERROR.",
  values: Object.fromEntries(Object.values(ErrorCode).map((code) => [code, { value: code, description: messageFor(code) }])),
});

export const ErrorReasonEnum = new GraphQLEnumType({
  name: "ErrorReason",
  description: "Every value of an error's `extensions.reason`, which refines some codes; each value says the code it comes with. New reasons may be added: treat an unknown one like its code alone.",
  values: Object.fromEntries(Object.values(ErrorReason).map((reason) => [reason, { value: reason, description: errorReasonDescriptions[reason] }])),
});
