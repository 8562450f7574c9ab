/**
 * Runs work items with at most `limit` in flight, across every `add` of one
 * writer call: items may keep arriving while earlier ones run. Items start in
 * the order they were added. `work` must never reject.
 */
export class WorkPool<T> {
  private readonly queue: (T | undefined)[] = [];
  private next = 0;
  private active = 0;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly limit: number,
    private readonly work: (item: T) => Promise<void>,
  ) {}

  /** Queues `items` and starts them as far as the limit allows. */
  add(items: readonly T[]): void {
    for (const item of items) this.queue.push(item);
    while (this.active < this.limit && this.next < this.queue.length) {
      this.active++;
      this.workers.push(this.worker());
    }
  }

  /** Resolves when every item added so far has run. */
  async drained(): Promise<void> {
    while (this.workers.length > 0) {
      const running = this.workers;
      this.workers = [];
      await Promise.all(running);
    }
  }

  private async worker(): Promise<void> {
    while (this.next < this.queue.length) {
      const item = this.queue[this.next] as T;
      // Let the item go once taken: a long call should not hold every row it has written.
      this.queue[this.next++] = undefined;
      await this.work(item);
    }
    this.active--;
  }
}
