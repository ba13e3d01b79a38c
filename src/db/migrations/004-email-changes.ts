import { kindTable } from "./001-lasting-records";

/** Pending email-change undo records and the previous address (notices to both for 30 days): lasting, like the rest. */
export const emailChanges = (schema: string): string => kindTable(schema, "email_changes");
