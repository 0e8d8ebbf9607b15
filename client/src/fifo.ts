/**
 * A first-in-first-out list that takes from the front in O(taken): the
 * client's queue can hold maxQueueSize events, and Array#splice(0, n) would
 * move all of them for every batch.
 */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The i-th item from the front. */
  at(i: number): T | undefined {
    return this.#items[this.#head + i];
  }

  /** Removes and returns the first n items. */
  take(n: number): T[] {
    const taken = this.#items.slice(this.#head, this.#head + n);
    this.#head += taken.length;
    // Drop the taken prefix once it is most of the array, so memory follows the queue's size.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  toArray(): T[] {
    return this.#items.slice(this.#head);
  }
}
