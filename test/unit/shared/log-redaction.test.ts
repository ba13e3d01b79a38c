import pino from "pino";
import { GatewayError, ErrorCode } from "../../../src/errors/error-codes";
import { compileRedaction, redactPaths } from "../../../src/shared/log-redaction";
import { createLogger } from "../../../src/shared/logger";

/** Lines as written, without the time (the two loggers write at different instants). */
const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => void lines.push({ ...(JSON.parse(line) as Record<string, unknown>), time: 0 }) };
  return { lines, stream };
};

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code, session: "s-123" });

/** Every shape the paths can meet: present, absent, undefined, null, nested, arrays, errors, primitives. */
const corpus: Record<string, unknown>[] = [
  { requestId: "r1", operationName: null, durationMs: 1.5, outcome: "ok", errorCodes: [] },
  { requestId: "r2", operationName: "Login", durationMs: 12, outcome: "error", errorCodes: ["UNAUTHENTICATED", "BAD_REQUEST"] },
  { req: { headers: { authorization: "Bearer abc.def.ghi", cookie: "sid=1", host: "gw" }, email: "a@b.test" } },
  { req: { headers: { host: "gw" } }, headers: { authorization: "Bearer t", cookie: undefined, accept: "*/*" } },
  { req: { headers: "not an object" }, headers: null },
  { variables: { email: "a@b.test", password: "hunter2" }, requestId: "r3" },
  { input: { password: "p", newPassword: "q", code: "123456", email: "e@x.test", keep: 1 }, other: { refreshToken: "r", accessToken: "a", idToken: "i", session: "s" } },
  { input: { password: undefined, nested: { password: "deeper, not a path" } }, list: ["password", "code"], count: 3, flag: true },
  { err: withCode("boom", "E_BOOM"), requestId: "r4" },
  { err: new GatewayError(ErrorCode.UNAUTHENTICATED, { reason: "TOKEN_EXPIRED" }) },
  { err: "a plain string", failure: withCode("elsewhere", "E_OTHER") },
  { err: { message: "error-like", code: "X", email: "leak@x.test" } },
  { event: "TOKEN_REJECTED", email: "top-level email is not a path" },
];

describe("log redaction, compiled once", () => {
  it("writes exactly the lines pino's own redact option wrote with the same paths", () => {
    const reference = capture();
    const ours = capture();
    const pinoRedact = pino({ level: "debug", redact: { paths: [...redactPaths], censor: "[redacted]" }, base: { service: "auth-gateway" } }, reference.stream);
    const logger = createLogger("debug", ours.stream);
    for (const line of corpus) {
      pinoRedact.info(line, "line");
      logger.info(line, "line");
    }
    expect(ours.lines).toHaveLength(corpus.length);
    expect(ours.lines).toEqual(reference.lines);
    // And they did redact: a few of the secrets above, by value.
    const written = JSON.stringify(ours.lines);
    for (const secret of ["abc.def.ghi", "sid=1", "hunter2", "123456", "e@x.test", "s-123", "leak@x.test"]) expect(written).not.toContain(secret);
  });

  it("never changes the object the caller logged", () => {
    const line = { req: { headers: { authorization: "Bearer x" } }, input: { password: "p" }, variables: { a: 1 } };
    const before = JSON.stringify(line);
    const { stream } = capture();
    createLogger("info", stream).info(line, "line");
    expect(JSON.stringify(line)).toBe(before);
  });

  it("refuses a path form it would not apply", () => {
    expect(() => compileRedaction(["a.*.b"])).toThrow(/unsupported redaction path/);
    expect(() => compileRedaction(["*"])).toThrow(/unsupported redaction path/);
    expect(() => compileRedaction(["a..b"])).toThrow(/unsupported redaction path/);
  });
});
