/**
 * A set of many short strings, such as the clip keys of one annotation file (up to ~540k), told apart exactly. V8's
 * Set holds each string as an object of its own: at that size it spent 0.6–0.9 s per 536k keys growing its table
 * and moving the strings through the garbage collector, most of what checking a file for repeated rows cost. This
 * one copies each string's UTF-16 code units into one growing typed array and finds them through an open-addressed
 * table of 32-bit hashes; strings whose hashes are equal are compared unit by unit.
 */
export class StringSet {
  /** Per slot: 1 + the index of the string it holds, or 0 when empty. */
  private slots = new Int32Array(1 << 12);
  private slotHashes = new Int32Array(1 << 12);
  /** Where each string's units start in `units`; the next one's start is where it ends. */
  private starts = new Int32Array(1 << 12);
  private units = new Uint16Array(1 << 16);
  private used = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `text`; false when it was already there. */
  add(text: string): boolean {
    if (this.count * 2 >= this.slots.length) this.growSlots();
    if (this.count === this.starts.length) this.starts = grown(this.starts, this.count * 2);
    if (this.used + text.length > this.units.length) this.units = grown(this.units, Math.max(this.units.length * 2, this.used + text.length));
    // Copied in as it is hashed, after the last string: kept only if it is new.
    const { units, used } = this;
    let hash = 0x811c9dc5 | 0; // an int32, as the table keeps it
    for (let at = 0; at < text.length; at++) {
      const unit = text.charCodeAt(at);
      units[used + at] = unit;
      hash = Math.imul(hash ^ unit, 0x01000193);
    }
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) {
        this.starts[this.count++] = used;
        this.used += text.length;
        this.slots[slot] = this.count;
        this.slotHashes[slot] = hash;
        return true;
      }
      if (this.slotHashes[slot] === hash && this.holds(held - 1, text.length)) return false;
    }
  }

  /** Whether the string at `index` has the units just copied after the last one. */
  private holds(index: number, length: number): boolean {
    const start = this.starts[index]!;
    const end = index + 1 < this.count ? this.starts[index + 1]! : this.used;
    if (end - start !== length) return false;
    for (let at = 0; at < length; at++) if (this.units[start + at] !== this.units[this.used + at]) return false;
    return true;
  }

  private growSlots(): void {
    const { slots, slotHashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.slotHashes = new Int32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      if (slots[old] === 0) continue;
      let slot = slotHashes[old]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = slots[old]!;
      this.slotHashes[slot] = slotHashes[old]!;
    }
  }
}

function grown<T extends Int32Array | Uint16Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
