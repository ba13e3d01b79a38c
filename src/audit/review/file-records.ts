import { readFile } from "node:fs/promises";
import { z } from "zod";
import { auditEventTypes, type AuditRecord } from "../audit-event";
import { optionalField, parseStoredRecord, recordSchema } from "../../shared/stored-record";

const optionalString = optionalField(z.string());
const optionalNumber = optionalField(z.number());
/** A line as the file sink writes it; its chain field (`prevHash`) is not named, so parsing drops it. */
const auditRecord = recordSchema<AuditRecord>()(
  z.object({
    event: z.enum(auditEventTypes),
    outcome: z.enum(["INTENT", "SUCCESS", "FAILURE", "CHALLENGE"]),
    reason: optionalString,
    subject: optionalString,
    actor: optionalString,
    sessionId: optionalString,
    clientId: optionalString,
    target: optionalString,
    count: optionalNumber,
    firstAt: optionalString,
    lastAt: optionalString,
    digest: optionalString,
    bytes: optionalNumber,
    file: optionalString,
    previousFirstHash: optionalString,
    previousLastHash: optionalString,
    previousRecords: optionalNumber,
    grantId: optionalString,
    time: z.string(),
    requestId: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
);

/** The records of a JSON Lines audit log, without their chain field; a missing file has none. */
export const readJsonLines = async (path: string): Promise<AuditRecord[]> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const records: AuditRecord[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    // A torn last line (crash mid-write) or an edited one is not a record; audit:verify reports it.
    const record = parseStoredRecord(auditRecord, line);
    if (record) records.push(record);
  }
  return records;
};
