export type Difference = { path: string; from: unknown; to: unknown };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Arrays of settings are sets: order does not matter. */
const canonical = (value: unknown): string =>
  JSON.stringify(Array.isArray(value) ? value.map((v) => (isRecord(v) ? JSON.stringify(v, Object.keys(v).sort()) : JSON.stringify(v))).sort() : value);

/** Where `actual` differs from what `desired` asks for; keys `desired` does not mention are left alone. */
export const differences = (desired: unknown, actual: unknown, path: string, skip: ReadonlySet<string> = new Set()): Difference[] => {
  if (skip.has(path)) return [];
  if (isRecord(desired)) {
    const current = isRecord(actual) ? actual : {};
    return Object.entries(desired).flatMap(([key, value]) => (value === undefined ? [] : differences(value, current[key], `${path}.${key}`, skip)));
  }
  return canonical(desired) === canonical(actual) ? [] : [{ path, from: actual, to: desired }];
};

export const describeDifference = ({ path, from, to }: Difference): string => `${path}: ${(JSON.stringify(from) as string | undefined) ?? "unset"} → ${JSON.stringify(to)}`;
