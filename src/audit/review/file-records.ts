import { readFile } from "node:fs/promises";
import type { AuditRecord } from "../audit-event";

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
    try {
      const { prevHash: _chain, ...record } = JSON.parse(line) as AuditRecord & { prevHash?: string };
      records.push(record);
    } catch {
      // A torn last line (crash mid-write) is not a record; audit:verify reports it.
    }
  }
  return records;
};
