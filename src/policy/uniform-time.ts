import { setTimeout as wait } from "node:timers/promises";

/**
 * How long the answers that must not reveal whether an account exists take at least. The provider's
 * own work differs (a code is generated and mailed for an existing account only); the answer waits until
 * this much time has passed since the request began, whatever happened, so both sides look alike.
 */
export const uniformAnswerFloorMs = 250;

export const atLeast = async <T>(floorMs: number, run: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await run();
  } finally {
    const left = floorMs - (performance.now() - started);
    if (left > 0) await wait(left);
  }
};
