/**
 * Cuts an incoming byte stream into records of known sizes (plaintext chunks when encrypting,
 * ciphertext+tag records when decrypting). A record that lies wholly inside one incoming
 * buffer is handed out as a zero-copy view; only records that straddle buffers are assembled
 * in one staging buffer, allocated once and reused.
 */
export class RecordSplitter {
  private staging: Buffer;
  private staged = 0;

  constructor(maxRecordLength: number) {
    this.staging = Buffer.allocUnsafe(maxRecordLength);
  }

  /** Makes room for records up to `maxRecordLength`, keeping anything already staged. */
  reserve(maxRecordLength: number): void {
    if (maxRecordLength <= this.staging.length) return;
    const larger = Buffer.allocUnsafe(maxRecordLength);
    this.staging.copy(larger, 0, 0, this.staged);
    this.staging = larger;
  }

  /** Bytes held back waiting for the rest of a record. */
  get pending(): number {
    return this.staged;
  }

  /**
   * Feeds `input`; calls `emit` for every complete record. `nextLength()` gives the size of the
   * record being assembled (it may change after each emit). A record passed to `emit` may be a
   * view into the staging buffer: consume it before returning.
   */
  push(input: Buffer, nextLength: () => number, emit: (record: Buffer) => void): void {
    let offset = 0;
    while (offset < input.length) {
      const want = nextLength();
      // A zero-length record would never consume input; callers must not ask for one.
      if (want < 1) throw new RangeError('record length must be positive');
      this.reserve(want);
      if (this.staged === 0 && input.length - offset >= want) {
        emit(input.subarray(offset, offset + want));
        offset += want;
        continue;
      }
      const take = Math.min(want - this.staged, input.length - offset);
      input.copy(this.staging, this.staged, offset, offset + take);
      this.staged += take;
      offset += take;
      if (this.staged === want) {
        this.staged = 0;
        emit(this.staging.subarray(0, want));
      }
    }
  }

  /** Hands out whatever is staged (a short final record) and empties the splitter. */
  drain(): Buffer {
    const rest = this.staging.subarray(0, this.staged);
    this.staged = 0;
    return rest;
  }
}
