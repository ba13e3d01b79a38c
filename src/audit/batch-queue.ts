type Pending<T> = { item: T; done: (error?: unknown) => void };

/**
 * Takes items one at a time and hands them to `drain` in order: whatever arrived while the previous
 * drain ran goes in the next call, together. Each push settles with its batch: if `drain` rejects,
 * every item of that batch rejects (so every operation waiting on it fails).
 */
export class BatchQueue<T> {
  private pending: Pending<T>[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly drain: (items: T[]) => Promise<void>) {}

  push(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- whatever the drain rejected with, passed on as it came (narrowed to {} by the check).
      this.pending.push({ item, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves when everything pushed so far has been drained (or has failed). */
  async idle(): Promise<void> {
    await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.drain(batch.map((p) => p.item));
        batch.forEach((p) => p.done());
      } catch (error) {
        batch.forEach((p) => p.done(error ?? new Error("audit write failed")));
      }
    }
    this.flushing = undefined;
  }
}
