/**
 * @simplewebauthn/server asks the runtime which WebAuthn algorithms Web Crypto supports (ML-DSA among them);
 * Node 24 answers with an ExperimentalWarning per question on stderr. The probe is expected and harmless:
 * drop exactly those warnings, keep every other.
 */
const isWebCryptoProbe = (warning: string | Error, type: unknown): boolean => {
  const name = typeof type === "string" ? type : typeof type === "object" && type !== null ? (type as { type?: string }).type : warning instanceof Error ? warning.name : undefined;
  const message = typeof warning === "string" ? warning : warning.message;
  return name === "ExperimentalWarning" && message.includes("Web Crypto API");
};

let installed = false;

export const quietWebCryptoProbeWarnings = (): void => {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (isWebCryptoProbe(warning, rest[0])) return;
    emit(warning, ...rest);
  });
};
