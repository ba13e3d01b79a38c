import pino, { type DestinationStream } from "pino";
import { compileRedaction } from "./log-redaction";

/** The slice of a logger the gateway uses; pino satisfies it, tests pass a recorder. */
export interface Logger {
  /** Lets callers skip building what a disabled level would throw away. */
  isLevelEnabled?(level: string): boolean;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The server's JSON log stream (stdout unless told): lines are gathered and written together once 4 kB wait,
 * at least every 250 ms, and synchronously at exit — not one write(2) per request line, which cost more than
 * building the line (BENCHMARKS.md). A crash that skips the exit handlers (SIGKILL, out of memory) can lose
 * the last 250 ms of operational lines; the audit trail, which must last, has its own durable sink.
 */
export const bufferedLogDestination = (dest: number | string = 1, flushEveryMs = 250): DestinationStream => {
  const stream = pino.destination({ dest, sync: true, minLength: 4096, periodicFlush: flushEveryMs });
  process.once("exit", () => {
    stream.flushSync();
  });
  return {
    write: (line: string) => {
      stream.write(line);
      // A warning or an error goes out at once, with what waits before it: some stand in for an audit record that
      // could not be written (AUDIT_WRITE_FAILED, a dead-lettered alert or notice), and they are rare.
      if (urgent.test(line)) stream.flushSync();
    },
  };
};

/** pino's JSON line starts with its numeric level: 40 warn, 50 error, 60 fatal. */
const urgent = /^\{"level":[4-6]\d,/;

/** `destination` lets tests capture what would reach the log. */
export const createLogger = (level: string, destination?: DestinationStream, pretty = false): Logger => {
  // The redaction paths (log-redaction.ts), compiled once: pino's own `redact` gives the same lines at several times the cost.
  const redaction = compileRedaction();
  return pino(
    { level, formatters: { log: redaction.line }, serializers: { err: redaction.err }, base: { service: "auth-gateway" } },
    destination ?? (pretty ? (pino.transport({ target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss" } }) as DestinationStream) : undefined),
  );
};

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
