import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/** A date-time with a zone (RFC 3339's profile of ISO 8601); seconds and fractions optional. */
const dateTimeShape = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

const invalid = () => new GraphQLError("DateTime must be an ISO 8601 date-time with a time zone, e.g. 2026-12-07T05:35:00.000Z.", { extensions: { code: "BAD_USER_INPUT" } });

/** Date.parse rolls 2026-02-31 over to March: check the calendar fields ourselves. */
const parseDateTime = (text: string): Date => {
  const m = dateTimeShape.exec(text);
  if (!m) throw invalid();
  const [year, month, day, hour, minute, second = "0", offsetHours = "0", offsetMinutes = "0"] = m.slice(1);
  const lastDay = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const fieldsValid = Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= lastDay && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 && Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59;
  const date = new Date(text);
  if (!fieldsValid || Number.isNaN(date.getTime())) throw invalid();
  return date;
};

const toDate = (value: unknown): Date | undefined => {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  return undefined;
};

/**
 * One spelling for every instant the API returns: UTC, milliseconds, `Z` (Date#toISOString). Resolvers hand
 * it a Date (or epoch milliseconds, or an ISO string, normalised here); inputs become Dates.
 */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant, ISO 8601 in UTC with milliseconds: `2026-12-07T05:35:00.000Z` (always this spelling in answers). Inputs accept any ISO 8601 date-time with a zone (`Z` or `±hh:mm`).",
  specifiedByURL: "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
  serialize(value) {
    const date = toDate(value);
    // A resolver bug, not client input: masked as INTERNAL_SERVER_ERROR like any other.
    if (date === undefined || Number.isNaN(date.getTime())) throw new TypeError("DateTime cannot represent this value");
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== "string") throw invalid();
    return parseDateTime(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid();
    return parseDateTime(ast.value);
  },
});
