/** The HIPAA policy knobs (config.ts reads them from the environment). */
export type PolicySettings = {
  rateLimitIpPerMinute: number;
  rateLimitAccountPerMinute: number;
  rateLimitUserPerMinute: number;
  lockoutThreshold: number;
  lockoutDurationSeconds: number;
  loginFailuresPerAddress: number;
  idleTimeoutSeconds: number;
  passwordMaxAgeDays: number;
  passwordHistorySize: number;
  breachedPasswordsUrl: string | undefined;
};
