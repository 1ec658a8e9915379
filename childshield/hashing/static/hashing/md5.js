// MD5 of a file's bytes (RFC 1321), for hash lists that still use it. Dependency-free ES module.
// Written for childshield from the RFC; MD5 is not a security measure here, only an exact match.

// Per-round shift amounts and the constants floor(abs(sin(i + 1)) * 2^32).
const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

const words = new Int32Array(16);
const state = new Int32Array(4);

// One 64-byte block at `offset`, read as sixteen little-endian 32-bit words.
function block(bytes, offset) {
  for (let i = 0, p = offset; i < 16; i++, p += 4) {
    words[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let i = 0; i < 64; i++) {
    let f;
    let g;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + K[i] + words[g]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << S[i]) | (sum >>> (32 - S[i])))) | 0;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

/**
 * MD5 of the bytes, as 32 lower-case hex digits.
 * @param {Uint8Array|ArrayBuffer} input
 * @returns {string}
 */
export function md5Hex(input) {
  let bytes;
  if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else if (Object.prototype.toString.call(input) === "[object ArrayBuffer]") bytes = new Uint8Array(input);
  else throw new TypeError("md5Hex: expected a Uint8Array or an ArrayBuffer");
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  const length = bytes.length;
  const whole = length - (length % 64);
  for (let offset = 0; offset < whole; offset += 64) block(bytes, offset);

  // The tail: the last bytes, a 1 bit, zeros, and the length in bits (64-bit little-endian).
  const tail = new Uint8Array(length % 64 < 56 ? 64 : 128);
  tail.set(bytes.subarray(whole));
  tail[length - whole] = 0x80;
  const bits = length * 8;
  const low = bits % 2 ** 32;
  const high = Math.floor(bits / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    tail[tail.length - 8 + i] = (low >>> (8 * i)) & 0xff;
    tail[tail.length - 4 + i] = (high >>> (8 * i)) & 0xff;
  }
  for (let offset = 0; offset < tail.length; offset += 64) block(tail, offset);

  let hex = "";
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) hex += ((state[i] >>> (8 * j)) & 0xff).toString(16).padStart(2, "0");
  }
  return hex;
}
