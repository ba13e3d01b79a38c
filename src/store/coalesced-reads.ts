type Waiting = { keys: readonly string[]; resolve: (values: (string | undefined)[]) => void; reject: (error: unknown) => void };

/**
 * Multi-key reads asked for in the same tick go to Redis as one MGET: the requests that share an event-loop
 * turn (shared/shared-turn.ts) each read their session and account keys at the same moment, and one command
 * answers them all (each key once) instead of one command, reply and timer per request (BENCHMARKS.md). Each
 * caller still gets an atomic read of its keys — a subset of one atomic MGET. `flush` sends what waits at
 * once: the store calls it before any other command, so Redis sees commands in the order they were issued.
 */
export class CoalescedReads {
  private waiting: Waiting[] = [];

  constructor(private readonly mget: (keys: string[]) => Promise<(string | null)[]>) {}

  read(keys: readonly string[]): Promise<(string | undefined)[]> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) {
        process.nextTick(() => {
          this.flush();
        });
      }
      // A copy: the caller's array may change before the batch goes out at the end of the tick.
      this.waiting.push({ keys: [...keys], resolve, reject });
    });
  }

  flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    const position = new Map<string, number>();
    const keys: string[] = [];
    for (const { keys: wanted } of batch) {
      for (const key of wanted) {
        if (position.has(key)) continue;
        position.set(key, keys.length);
        keys.push(key);
      }
    }
    const failAll = (error: unknown) => {
      for (const { reject } of batch) reject(error);
    };
    let sent: Promise<(string | null)[]>;
    try {
      sent = this.mget(keys);
    } catch (error) {
      // A command that throws before it is sent (too many arguments, a closed client) fails every waiter, never
      // leaves one hanging, and never surfaces in the caller that happened to flush.
      failAll(error);
      return;
    }
    sent.then((values) => {
      for (const { keys: wanted, resolve } of batch) resolve(wanted.map((key) => values[position.get(key)!] ?? undefined));
    }, failAll);
  }
}
