/** A start-up configuration problem; its message names the variable(s), never a value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
