import { z } from "zod";
import { absentable, CorruptRecordError, parseStoredList, parseStoredRecord, readStoredRecord, recordSchema } from "../../../src/shared/stored-record";

type Note = { text: string; seenAt: number | undefined };
const note = recordSchema<Note>()(z.object({ text: z.string(), seenAt: absentable(z.number()) }));

describe("stored records are parsed, never cast", () => {
  it("tells absent, corrupt and well-formed apart", () => {
    expect(readStoredRecord(note, undefined)).toEqual({ status: "absent" });
    expect(readStoredRecord(note, "{text")).toEqual({ status: "corrupt" });
    expect(readStoredRecord(note, JSON.stringify({ text: 7 }))).toEqual({ status: "corrupt" });
    expect(readStoredRecord(note, JSON.stringify({ text: "hi", seenAt: 3 }))).toEqual({ status: "ok", record: { text: "hi", seenAt: 3 } });
    // JSON leaves an undefined field out: it reads back as undefined, not as corrupt.
    expect(parseStoredRecord(note, JSON.stringify({ text: "hi", seenAt: undefined }))).toEqual({ text: "hi" });
    expect(parseStoredRecord(note, "null")).toBeUndefined();
    // A null where the type says undefined (a GraphQL argument given as null) is not corruption.
    expect(parseStoredRecord(note, JSON.stringify({ text: "hi", seenAt: null }))).toEqual({ text: "hi", seenAt: undefined });
  });

  it("a list that cannot be read throws instead of reading as empty", () => {
    expect(parseStoredList(undefined)).toEqual([]);
    expect(parseStoredList(JSON.stringify(["a", "b"]))).toEqual(["a", "b"]);
    expect(() => parseStoredList(JSON.stringify([1]))).toThrow(CorruptRecordError);
    expect(() => parseStoredList("[")).toThrow(CorruptRecordError);
  });

  it("a schema must name every field of its record type (zod would drop the others on read)", () => {
    // @ts-expect-error -- `seenAt` is missing from the schema.
    recordSchema<Note>()(z.object({ text: z.string() }));
    // @ts-expect-error -- `extra` is not a field of the record.
    recordSchema<Note>()(z.object({ text: z.string(), seenAt: absentable(z.number()), extra: z.string().optional() }));
    expect(note).toBeDefined();
  });
});
