import { z } from "zod";

/**
 * Reading back what the gateway stored (state store, PostgreSQL, sealed values) as JSON. A stored value is
 * input like any other: another version of the gateway, an operator's hand edit or a damaged store can leave
 * a value that is not the record's shape. It is parsed with the record's zod schema, never cast; a value that
 * fails is `corrupt`, and each caller decides what that means the way it decides for an absent record
 * (fail closed: a corrupt session, handle or grant is refused, a corrupt disabled flag disables).
 */
export type StoredRead<T> = { status: "absent" } | { status: "corrupt" } | { status: "ok"; record: T };

/**
 * A record schema whose output is exactly the record's declared type. zod drops keys its schema does not
 * name, so a field added to the type but not to the schema would vanish on the next read: that fails here.
 */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;
export const recordSchema =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S & (SameShape<z.output<S>, T> extends true ? unknown : "the schema's fields differ from the record type's")): S =>
    schema;

/**
 * A field typed `T | undefined`: JSON leaves the key out, and it reads back as a present key holding undefined.
 * A null there (a GraphQL argument given as null, which the type does not admit) reads as undefined too.
 */
export const absentable = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

/** An optional field (`key?: T`), with a stored null read as absent. */
export const optionalField = <S extends z.ZodType>(schema: S) => absentable(schema).optional();

export const readStoredRecord = <T>(schema: z.ZodType<T>, raw: string | undefined): StoredRead<T> => {
  if (raw === undefined) return { status: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { status: "corrupt" };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { status: "ok", record: parsed.data } : { status: "corrupt" };
};

/** The record, or undefined when it is absent or corrupt: for callers where a missing record already means "refuse". */
export const parseStoredRecord = <T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined => {
  const read = readStoredRecord(schema, raw);
  return read.status === "ok" ? read.record : undefined;
};

/** Thrown where no answer is safe: a list that cannot be read (a password history) must not read as empty. */
export class CorruptRecordError extends Error {
  constructor(what: string) {
    super(`stored ${what} is corrupt`);
    this.name = "CorruptRecordError";
  }
}

const storedStrings = z.array(z.string());

/** A list a store keeps as one JSON value: none is empty, a corrupt one throws (as Redis answers WRONGTYPE). */
export const parseStoredList = (raw: string | undefined): string[] => {
  const read = readStoredRecord(storedStrings, raw);
  if (read.status === "corrupt") throw new CorruptRecordError("list");
  return read.status === "ok" ? read.record : [];
};
