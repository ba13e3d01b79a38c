import { assertPasswordPolicy } from "./password-policy";
import type { PasswordHistory } from "./password-history";
import type { PasswordRotation } from "./password-rotation";

/** Everything that decides whether a new password is acceptable, and what setting one records. */
export class Passwords {
  constructor(private readonly deps: { history: PasswordHistory; rotation: PasswordRotation }) {}

  /** Rules first (cheap, no account needed), then the account's history when it is known. */
  async assertAcceptable(sub: string | undefined, email: string, password: string): Promise<void> {
    assertPasswordPolicy(password, email);
    if (sub) await this.deps.history.assertNotReused(sub, password);
  }

  async recordSet(sub: string, password: string): Promise<void> {
    await Promise.all([this.deps.history.remember(sub, password), this.deps.rotation.recordSet(sub)]);
  }

  get rotation(): PasswordRotation {
    return this.deps.rotation;
  }
}
