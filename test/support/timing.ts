/** Timing comparisons for the existence tests: scale-free, so a loaded CI machine and a quiet laptop judge alike. */

export const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? 0;

export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

/** P(a sample of `a` is slower than one of `b`) (ties count half): 0.5 when the two cannot be told apart. */
export const separation = (a: number[], b: number[]): number => {
  let score = 0;
  for (const x of a) for (const y of b) score += x > y ? 1 : x === y ? 0.5 : 0;
  return score / (a.length * b.length);
};

/** Every order of `items`, so that rounds can give each one every position equally often. */
const orders = <T>(items: T[]): T[][] =>
  items.length <= 1 ? [items] : items.flatMap((first, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));

/**
 * One sample of each kind per round, the order cycling through every permutation: the first of a round can pay
 * for what the round before left running, and a burst of load on the machine falls on one round, not one kind.
 */
export const interleavedRounds = async (kinds: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, number>[]> => {
  const cycle = orders(Object.keys(kinds));
  const out: Record<string, number>[] = [];
  for (let i = 0; i < rounds; i++) {
    const round: Record<string, number> = {};
    for (const kind of cycle[i % cycle.length]!) round[kind] = await timed(kinds[kind]!);
    out.push(round);
  }
  return out;
};

/**
 * P(in one round, `a` was slower than `b`) (ties count half): 0.5 when they cannot be told apart. Pairing within
 * a round cancels load that moves both alike, which medians of a loaded run do not (20 ms ± 2 ms on CI).
 */
export const pairedShare = (rounds: Record<string, number>[], a: string, b: string): number =>
  rounds.reduce((score, r) => score + (r[a]! > r[b]! ? 1 : r[a] === r[b] ? 0.5 : 0), 0) / rounds.length;
