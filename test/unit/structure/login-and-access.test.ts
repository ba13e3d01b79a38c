import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";

const src = join(__dirname, "../../../src");

/** Every source file under src, by its path relative to src (forward slashes), without its comments. */
const sources = (): Map<string, string> => {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs)$/.test(name)) files.set(relative(src, path).split(sep).join("/"), withoutComments(readFileSync(path, "utf8")));
    }
  };
  walk(src);
  return files;
};

/** Comments explain the flags freely; only code counts. (Good enough for this code base: no "//" inside strings that matter here.) */
const withoutComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

/** The files a file imports (relative imports only), relative to src. */
const importsOf = (file: string, code: string): string[] =>
  [...code.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map((m) => relative(src, normalize(join(src, dirname(file), m[1] ?? ""))).split(sep).join("/"));

/** Lines of `code` matching `pattern`, as "file:line: text". */
const hits = (file: string, code: string, pattern: RegExp): string[] =>
  code.split("\n").flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));

/**
 * The login machine owns the login and factors plug into it; one access policy decides who may act
 * (docs/architecture.md). These checks fail on the first file that walks around either.
 */
describe("the login machine and the one access policy", () => {
  const files = sources();
  const under = (folder: string) => [...files].filter(([file]) => file.startsWith(folder));

  it("factors import nothing from login/: imports point one way, login → factors/factor.ts", () => {
    const wrong = under("auth/factors/").flatMap(([file, code]) => importsOf(file, code).filter((to) => to.startsWith("auth/login/")).map((to) => `${file} → ${to}`));
    expect(wrong).toEqual([]);
  });

  it("login/ reaches into factors/ only through the Factor contract (factor.ts)", () => {
    const wrong = under("auth/login/").flatMap(([file, code]) => importsOf(file, code).filter((to) => to.startsWith("auth/factors/") && to !== "auth/factors/factor").map((to) => `${file} → ${to}`));
    expect(wrong).toEqual([]);
  });

  it("only the machine takes, creates or gives back a challenge handle", () => {
    const outside = [...files].filter(([file]) => file !== "auth/login/login-machine.ts").flatMap(([file, code]) => hits(file, code, /\bhandles\.(take|create|open|giveBack)\(/));
    expect(outside).toEqual([]);
    expect(hits("machine", files.get("auth/login/login-machine.ts") ?? "", /\bhandles\.(take|create|open)\(/).length).toBeGreaterThanOrEqual(8);
  });

  it("lists every factor once, and the machine reads that list", () => {
    const list = files.get("auth/factors/factors.ts") ?? "";
    expect([...list.matchAll(/^\s+(\w+Factor)\(deps\.\w+\),$/gm)].map((m) => m[1])).toEqual(["totpFactor", "webauthnFactor", "recoveryCodeFactor"]);
    expect(files.get("auth/services.ts")).toMatch(/new LoginMachine\(\{[^}]*\bfactors\b/);
  });

  /**
   * The account flags behind "may this identity act?": disabled (account-flags), locked (the lockout's keys)
   * and password expired (the rotation's key). Only the policy and the record layer that reads them into an
   * AccessState (account-records.ts, access-state.ts) may touch them; every door asks decideAccess instead.
   */
  const flagReads = /\b(readFlags|parseFlags|flagsKey|lockedSubKey|lockedKey|hasExpired|isExpired)\b|PasswordRotation\.key\b|\.(disabled|locked|passwordExpired)\b/;
  /** An AccessState made up on the spot (`locked: false` after a check of one's own) decides as much as a read. */
  const madeUpFlags = /\b(disabled|locked|passwordExpired)\s*:\s*(true|false)\b/;
  const policyAndRecords = new Set(["policy/access-policy.ts", "policy/lockout.ts", "policy/password-rotation.ts", "auth/account-records.ts", "auth/access-state.ts"]);
  /** The admin CLI's operator is no account: there are no flags to read, so it states an admin's access. */
  const notAnAccount = new Set(["cli/admin-commands.ts"]);

  it("no door reads the account flags outside the policy and the record layer", () => {
    const reads = [...files].filter(([file]) => !policyAndRecords.has(file)).flatMap(([file, code]) => hits(file, code, flagReads));
    expect(reads).toEqual([]);
  });

  it("no door makes up an access state", () => {
    const madeUp = [...files].filter(([file]) => !policyAndRecords.has(file) && !notAnAccount.has(file)).flatMap(([file, code]) => hits(file, code, madeUpFlags));
    expect(madeUp).toEqual([]);
  });

  it("the login doors ask decideAccess (the machine, the passkey owner, hosted login's admission, the cookie refresh)", () => {
    for (const door of ["auth/login/login-machine.ts", "auth/factors/webauthn/webauthn-factor.ts", "context/cookie-session.ts", "auth/auth-service.ts"]) {
      expect([door, /\bdecideAccess\(/.test(files.get(door) ?? "")]).toEqual([door, true]);
    }
  });
});
