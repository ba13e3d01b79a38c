/**
 * Holds the first call of `prototype[method]` whose first argument is `firstArgument` open AFTER the real call has
 * answered, until released: a race between two requests made deterministic at one provider call of the gateway
 * (everything else stays real). Restore with jest.restoreAllMocks().
 */
export const holdCallAfterAnswer = <P extends object>(prototype: P, method: keyof P & string, firstArgument: unknown): { wasReached: Promise<void>; release: () => void } => {
  let reached!: () => void;
  let release!: () => void;
  const wasReached = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  // The unpatched method, called with the instance the gateway built.
  const original = Object.getOwnPropertyDescriptor(prototype, method)!.value as (this: P, ...args: unknown[]) => Promise<unknown>;
  let armed = true;
  (jest.spyOn(prototype, method as never) as jest.SpyInstance).mockImplementation(async function (this: P, ...args: unknown[]) {
    const answer = await original.apply(this, args);
    if (armed && args[0] === firstArgument) {
      armed = false;
      reached();
      await released;
    }
    return answer;
  });
  return { wasReached, release };
};
