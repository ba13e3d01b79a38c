/**
 * One event-loop turn shared by every caller that asks within the same turn: the first caller schedules a
 * single `setImmediate`, later callers wait on the same promise, and all of them resume together. Requests
 * that arrived in one poll phase then advance side by side, one stage each in turn, instead of each running
 * from its first line to its response before the next starts.
 */
export const createSharedTurn = (): (() => Promise<void>) => {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        pending = undefined;
        resolve();
      });
    });
    return pending;
  };
};
