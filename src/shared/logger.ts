import pino from "pino";

/** The slice of a logger the gateway uses; pino satisfies it, tests pass a recorder. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Paths that could carry a credential or PHI if someone logs a request or an input by mistake.
 * Logged objects are built by us, so this is a second line of defence, not the first.
 */
const redactPaths = [
  "req.headers.authorization",
  "headers.authorization",
  "*.password",
  "*.newPassword",
  "*.code",
  "*.refreshToken",
  "*.accessToken",
  "*.idToken",
  "*.session",
  "*.email",
  "variables",
];

export const createLogger = (level: string): Logger =>
  pino({ level, redact: { paths: redactPaths, censor: "[redacted]" }, base: { service: "auth-gateway" } });

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
