import pino from "pino";

/**
 * Paths that could carry a credential or PHI if someone logs a request or an input by mistake.
 * Logged objects are built by us, so this is a second line of defence, not the first.
 */
export const redactPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.password",
  "*.newPassword",
  "*.code",
  "*.refreshToken",
  "*.accessToken",
  "*.idToken",
  "*.session",
  "*.email",
  "variables",
] as const;

export const redactionCensor = "[redacted]";

type Compiled = { whole: Set<string>; nested: Map<string, string[][]>; anyKey: string[] };

/**
 * The three path forms the list uses: `key` (the whole value), `key.a.b` (one nested field) and `*.field` (that
 * field of any top-level value). Any other form throws here, so a new path never silently redacts nothing.
 */
const compile = (paths: readonly string[]): Compiled => {
  const compiled: Compiled = { whole: new Set(), nested: new Map(), anyKey: [] };
  for (const path of paths) {
    const [first, ...rest] = path.split(".");
    if (first === undefined || first === "" || rest.some((part) => part === "" || part === "*") || (first === "*" && rest.length !== 1)) throw new Error(`unsupported redaction path: ${path}`);
    if (first === "*") compiled.anyKey.push(rest[0]!);
    else if (rest.length === 0) compiled.whole.add(first);
    else compiled.nested.set(first, [...(compiled.nested.get(first) ?? []), rest]);
  }
  return compiled;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** A shallow copy with one field replaced, serialised as the original is (own enumerable fields; an array stays an array). */
const withField = (value: Record<string, unknown>, field: string, replacement: unknown): Record<string, unknown> => {
  const copy = Array.isArray(value) ? (Object.assign([], value) as unknown as Record<string, unknown>) : { ...value };
  copy[field] = replacement;
  return copy;
};

/** Censors `path` inside `value`, copying what it changes (the caller's object is never touched). */
const censorPath = (value: Record<string, unknown>, path: readonly string[]): Record<string, unknown> => {
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(value, head)) return value;
  if (rest.length === 0) return withField(value, head, redactionCensor);
  const inner = value[head];
  if (!isObject(inner)) return value;
  const censored = censorPath(inner, rest);
  return censored === inner ? value : withField(value, head, censored);
};

/**
 * What pino's `redact` option did with the same paths, compiled once instead of per line: pino's redactor
 * (@pinojs/redact) re-parsed every path for every top-level field of every line, the request log's largest
 * cost (~6 µs a line, BENCHMARKS.md). The same output, checked against pino's own redaction in
 * test/unit/shared/log-redaction.test.ts: `formatters.log` censors the line's fields; the `err` serializer
 * censors the serialised error, as pino redacted after serializing.
 */
export const compileRedaction = (paths: readonly string[] = redactPaths) => {
  const { whole, nested, anyKey } = compile(paths);
  const censorValue = (key: string, value: unknown): unknown => {
    if (whole.has(key)) return redactionCensor;
    if (!isObject(value)) return value;
    let out = value;
    for (const path of nested.get(key) ?? []) out = censorPath(out, path);
    for (const field of anyKey) if (Object.hasOwn(out, field)) out = withField(out, field, redactionCensor);
    return out;
  };
  return {
    /** pino's `formatters.log`: the fields of a line (`err` is left to its serializer). */
    line: (line: Record<string, unknown>): Record<string, unknown> => {
      let out = line;
      for (const key in line) {
        if (key === "err" || !Object.hasOwn(line, key)) continue;
        const value = line[key];
        const censored = censorValue(key, value);
        if (censored === value) continue;
        if (out === line) out = { ...line };
        out[key] = censored;
      }
      return out;
    },
    /** pino's `err` serializer, then the same censoring. */
    err: (error: unknown): unknown => censorValue("err", pino.stdSerializers.err(error as Error)),
  };
};
