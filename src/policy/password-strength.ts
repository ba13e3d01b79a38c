import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

/** zxcvbn's scale: 0–2 fall to an online or slow offline attack within days; 3 and 4 do not. */
export const minimumStrengthScore = 3;

// Built once: loading the dictionaries costs more than a check.
let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () => (estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));
let commonPasswords: Set<string> | undefined;
const common = () => (commonPasswords ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase())));

/**
 * True when the password is on a common-password list or a strength estimator (zxcvbn, with its common
 * dictionaries, the email's parts as personal words) rates it guessable — however many character
 * classes it mixes ("P@ssw0rd1234" has all four).
 */
export const isGuessable = (password: string, email: string): boolean => {
  if (common().has(password.toLowerCase())) return true;
  const personal = email.toLowerCase().split(/[@.+_-]/).filter((part) => part.length >= 3);
  return zxcvbn().check(password, personal).score < minimumStrengthScore;
};
