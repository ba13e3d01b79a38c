import { canMove, loginTransitions, type LoginStep } from "../../../../src/auth/login/login-stages";

/** Every path through the login table, from each entry to TOKENS. */
const paths = (from: string, seen: string[] = []): string[][] => {
  if (from === "TOKENS") return [[...seen, from]];
  const next = (loginTransitions as Record<string, readonly string[]>)[from] ?? [];
  return next.flatMap((to) => (seen.includes(to) ? [] : paths(to, [...seen, from])));
};

// PASSKEY is a passkey with user verification: both factors in one assertion, checked before tokens.
const secondFactorStages = ["SOFTWARE_TOKEN_MFA", "MFA_SETUP_VERIFY", "WEBAUTHN", "PASSKEY"];

describe("the login table", () => {
  const all = [...paths("PASSWORD"), ...paths("RE_ENROL"), ...paths("PASSKEY")];

  it("has paths to tokens, and no cycles", () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const path of all) expect(new Set(path).size).toBe(path.length);
  });

  it.each(all.map((p) => [p.join(" → "), p]))("%s proves a second factor before tokens, and before any password change for an expired one", (_name, path) => {
    const factor = path.findIndex((s) => secondFactorStages.includes(s));
    expect(factor).toBeGreaterThan(-1);
    expect(factor).toBeLessThan(path.indexOf("TOKENS"));
    const expired = path.indexOf("PASSWORD_EXPIRED");
    if (expired !== -1) expect(expired).toBeGreaterThan(factor);
  });

  it("refuses every arrow not in the table", () => {
    const steps = Object.keys(loginTransitions) as LoginStep[];
    expect(canMove("PASSWORD", "TOKENS")).toBe(false);
    expect(canMove("PASSWORD", "PASSWORD_EXPIRED")).toBe(false);
    expect(canMove("NEW_PASSWORD_REQUIRED", "TOKENS")).toBe(false);
    expect(canMove("MFA_SETUP", "TOKENS")).toBe(false);
    // A recovery code (from SOFTWARE_TOKEN_MFA) leads to re-enrolment, never straight to tokens through MFA_SETUP.
    expect(canMove("SOFTWARE_TOKEN_MFA", "MFA_SETUP")).toBe(true);
    expect(canMove("PASSKEY", "MFA_SETUP")).toBe(false);
    for (const from of steps) expect(canMove(from, "NEW_PASSWORD_REQUIRED")).toBe(from === "PASSWORD");
  });
});
