/**
 * SSP's CRC-16: polynomial 0x8005, initial value 0xFFFF, processed MSB first with no input or
 * output reflection and no final XOR (the CRC-16/CMS parameter set). It covers every byte
 * after STX (SEQ/ID, LEN, DATA) before byte stuffing, and goes on the wire low byte first.
 *
 * Checked against ITL's published frames: SYNC `7F 80 01 11 65 82` and the OK reply
 * `7F 80 01 F0 23 80`.
 */
const POLY = 0x8005;
const SEED = 0xffff;

/** Table of the CRC of each possible high byte, so a frame costs one lookup per byte. */
const TABLE: readonly number[] = (() => {
  const table: number[] = [];
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ POLY) & 0xffff : (crc << 1) & 0xffff;
    }
    table.push(crc);
  }
  return table;
})();

/** CRC-16 of `bytes` as SSP computes it; a 16-bit number (send `& 0xff` first, then `>> 8`). */
export function esspCrc16(bytes: Uint8Array | readonly number[]): number {
  let crc = SEED;
  for (const byte of bytes) {
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  }
  return crc;
}
