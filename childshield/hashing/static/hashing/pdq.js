// PDQ perceptual hash of decoded pixels, bit for bit equal to the `pdqhash` Python package.
//
// A JavaScript port of Meta's PDQ reference implementation (facebook/ThreatExchange, pdq/cpp:
// hashing/pdqhashing.cpp, downscaling/downscaling.cpp, hashing/torben.cpp, common/pdqhashtypes.cpp),
// with the luminance step of the pdqhash Python binding (faustomorales/pdqhash-python,
// pdqhash/bindings.pyx). The reference's float32 arithmetic is emulated with Math.fround at every
// step, in the reference's order of operations, so the hash is the same bit for bit.
//
// ----------------------------------------------------------------------------------------------
// Ported code: BSD License, for ThreatExchange software
//
// Copyright (c) Meta Platforms, Inc. and affiliates.
//
// Redistribution and use in source and binary forms, with or without modification,
// are permitted provided that the following conditions are met:
//
//  * Redistributions of source code must retain the above copyright notice, this
//    list of conditions and the following disclaimer.
//
//  * Redistributions in binary form must reproduce the above copyright notice,
//    this list of conditions and the following disclaimer in the documentation
//    and/or other materials provided with the distribution.
//
//  * Neither the name Facebook nor the names of its contributors may be used to
//    endorse or promote products derived from this software without specific
//    prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
// ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
// WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
// DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR
// ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
// (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
// LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
// ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
// (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
// SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
//
// Torben's median: algorithm by Torben Mogensen, implementation by N. Devillard, public domain.
// pdqhash-python (the luminance step): Copyright (c) Fausto Morales, MIT License.
// ----------------------------------------------------------------------------------------------
//
// How this port differs from the reference in shape, never in results:
// - The two Jarosz passes (box filter along rows, then along columns, twice) are fused and
//   streamed through a ring of a few rows, never a full-size copy of the image; row filters run
//   on four rows at once; the column filter keeps one running sum per column and walks the
//   rows in memory order. Each running sum sees exactly the additions, subtractions and
//   divisions of the reference, in the same order, so every value is the same float32.
// - The second pass only divides at the 64 columns and 64 rows that the decimation keeps:
//   the other outputs are never read by the reference either.

const fround = Math.fround;

const MIN_HASHABLE_DIM = 5;
const OUT = 64; // the reference downsamples to 64x64

// DCT matrix, 16 rows by 64 columns, row-major, float32 as in the reference:
// float scale = sqrt(2.0 / 64); D[i][j] = scale * cos((M_PI / 2.0 / 64) * (i + 1) * (2 * j + 1)).
const DCT = (() => {
  const matrix = new Float32Array(16 * 64);
  const scale = fround(Math.sqrt(2.0 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      matrix[i * 64 + j] = scale * Math.cos((Math.PI / 2.0 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return matrix;
})();

// computeJaroszFilterWindowSize: (old + 2 * new - 1) / (2 * new), integer division.
function jaroszWindowSize(oldDimension, newDimension) {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

// The reference's box1DFloat divides the running sum at output i by the window size it has
// then; that size depends only on i, so it is computed once per axis.
function boxDivisors(length, fullWindow) {
  const half = Math.floor((fullWindow + 2) / 2);
  const divisors = new Float64Array(length);
  const phase2 = fullWindow - half + 1;
  const phase4 = half - 1;
  let size = half - 1;
  let o = 0;
  for (let i = 0; i < phase2; i++) divisors[o++] = ++size;
  for (let i = 0; i < length - fullWindow; i++) divisors[o++] = size;
  for (let i = 0; i < phase4; i++) divisors[o++] = --size;
  return divisors;
}

// decimateFloat: the input index of each output row or column (centres, not corners).
function decimationIndices(inLength) {
  const indices = new Int32Array(OUT);
  for (let o = 0; o < OUT; o++) indices[o] = Math.floor(((o + 0.5) * inLength) / OUT);
  return indices;
}

// box1DFloat along four vectors at once: src[a + i] -> dst[b + i] for i < n, each vector with
// its own running sum. The four sums are independent, so the processor overlaps them; one sum
// alone is a chain of dependent float32 roundings and runs several times slower. The same
// vector may be passed more than once (the results are then written twice, identically).
function boxDivide4(src, a0, a1, a2, a3, dst, b0, b1, b2, b3, n, window, divisors) {
  const half = Math.floor((window + 2) / 2);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let oi = 0;
  for (; ri < half - 1; ri++) {
    s0 = fround(s0 + src[a0 + ri]);
    s1 = fround(s1 + src[a1 + ri]);
    s2 = fround(s2 + src[a2 + ri]);
    s3 = fround(s3 + src[a3 + ri]);
  }
  for (; ri < window; ri++, oi++) {
    s0 = fround(s0 + src[a0 + ri]);
    s1 = fround(s1 + src[a1 + ri]);
    s2 = fround(s2 + src[a2 + ri]);
    s3 = fround(s3 + src[a3 + ri]);
    const d = divisors[oi];
    dst[b0 + oi] = s0 / d;
    dst[b1 + oi] = s1 / d;
    dst[b2 + oi] = s2 / d;
    dst[b3 + oi] = s3 / d;
  }
  let li = 0;
  for (; ri < n; ri++, li++, oi++) {
    s0 = fround(fround(s0 + src[a0 + ri]) - src[a0 + li]);
    s1 = fround(fround(s1 + src[a1 + ri]) - src[a1 + li]);
    s2 = fround(fround(s2 + src[a2 + ri]) - src[a2 + li]);
    s3 = fround(fround(s3 + src[a3 + ri]) - src[a3 + li]);
    const d = divisors[oi];
    dst[b0 + oi] = s0 / d;
    dst[b1 + oi] = s1 / d;
    dst[b2 + oi] = s2 / d;
    dst[b3 + oi] = s3 / d;
  }
  for (; oi < n; li++, oi++) {
    s0 = fround(s0 - src[a0 + li]);
    s1 = fround(s1 - src[a1 + li]);
    s2 = fround(s2 - src[a2 + li]);
    s3 = fround(s3 - src[a3 + li]);
    const d = divisors[oi];
    dst[b0 + oi] = s0 / d;
    dst[b1 + oi] = s1 / d;
    dst[b2 + oi] = s2 / d;
    dst[b3 + oi] = s3 / d;
  }
}

// As boxDivide4, but keeps the undivided running sums: the caller divides only the few
// outputs the decimation keeps (sum / divisor is the reference's value either way).
function boxSums4(src, a0, a1, a2, a3, dst, b0, b1, b2, b3, n, window) {
  const half = Math.floor((window + 2) / 2);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let oi = 0;
  for (; ri < half - 1; ri++) {
    s0 = fround(s0 + src[a0 + ri]);
    s1 = fround(s1 + src[a1 + ri]);
    s2 = fround(s2 + src[a2 + ri]);
    s3 = fround(s3 + src[a3 + ri]);
  }
  for (; ri < window; ri++, oi++) {
    dst[b0 + oi] = s0 = fround(s0 + src[a0 + ri]);
    dst[b1 + oi] = s1 = fround(s1 + src[a1 + ri]);
    dst[b2 + oi] = s2 = fround(s2 + src[a2 + ri]);
    dst[b3 + oi] = s3 = fround(s3 + src[a3 + ri]);
  }
  let li = 0;
  for (; ri < n; ri++, li++, oi++) {
    dst[b0 + oi] = s0 = fround(fround(s0 + src[a0 + ri]) - src[a0 + li]);
    dst[b1 + oi] = s1 = fround(fround(s1 + src[a1 + ri]) - src[a1 + li]);
    dst[b2 + oi] = s2 = fround(fround(s2 + src[a2 + ri]) - src[a2 + li]);
    dst[b3 + oi] = s3 = fround(fround(s3 + src[a3 + ri]) - src[a3 + li]);
  }
  for (; oi < n; li++, oi++) {
    dst[b0 + oi] = s0 = fround(s0 - src[a0 + li]);
    dst[b1 + oi] = s1 = fround(s1 - src[a1 + li]);
    dst[b2 + oi] = s2 = fround(s2 - src[a2 + li]);
    dst[b3 + oi] = s3 = fround(s3 - src[a3 + li]);
  }
}

// One step of box1DFloat along every column at once: add row `add`, subtract row `sub` (either
// may be the zero row), and write the divided sums as one output row.
function columnStep(colSums, rows, add, sub, out, outOffset, n, divisor) {
  for (let j = 0; j < n; j++) {
    const s = fround(fround(colSums[j] + rows[add + j]) - rows[sub + j]);
    colSums[j] = s;
    out[outOffset + j] = s / divisor;
  }
}

// Luminance as the pdqhash binding computes it: numpy float64 R*0.299 + G*0.587 + B*0.114,
// then cast to float32. The products are looked up (the same float64 values, computed once).
const LUMA_R = new Float64Array(256);
const LUMA_G = new Float64Array(256);
const LUMA_B = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  LUMA_R[v] = v * 0.299;
  LUMA_G[v] = v * 0.587;
  LUMA_B[v] = v * 0.114;
}

function lumaRow(rgba, offset, width, out, outOffset) {
  for (let j = 0, p = offset; j < width; j++, p += 4) {
    out[outOffset + j] = LUMA_R[rgba[p]] + LUMA_G[rgba[p + 1]] + LUMA_B[rgba[p + 2]];
  }
}

// Blur (two Jarosz passes) and decimate to 64x64: jaroszFilterFloat + decimateFloat.
function downsample(rgba, numRows, numCols, out64) {
  const windowAlongRows = jaroszWindowSize(numCols, OUT);
  const windowAlongCols = jaroszWindowSize(numRows, OUT);
  const rowDivisors = boxDivisors(numCols, windowAlongRows);
  const colDivisors = boxDivisors(numRows, windowAlongCols);
  const keptRows = decimationIndices(numRows);
  const keptCols = decimationIndices(numCols);
  const n = numCols;

  // Pass 1 along rows, four rows at a time: luminance, then the row filter, into a ring of
  // rows just large enough for the column filter's window (kept in cache, unlike a full-size
  // image). Its extra last row stays zero: adding or subtracting 0 leaves a float unchanged,
  // which lets every column-filter step below add one row and subtract another.
  // Rows li..ri are in use (li = ri - window) and up to three more are made ahead of ri.
  const ringRows = windowAlongCols + 5;
  const ring = new Float32Array((ringRows + 1) * n);
  const zeroRow = ringRows * n;
  const slot = (row) => (row % ringRows) * n;
  const luma4 = new Float32Array(4 * n);
  let produced = 0;
  const produceThrough = (row) => {
    while (produced <= row) {
      const i = produced;
      const rows = Math.min(4, numRows - i);
      for (let k = 0; k < rows; k++) lumaRow(rgba, (i + k) * n * 4, n, luma4, k * n);
      const a = (k) => (k < rows ? k * n : 0);
      const b = (k) => slot(k < rows ? i + k : i);
      boxDivide4(
        luma4, a(0), a(1), a(2), a(3), ring, b(0), b(1), b(2), b(3), n, windowAlongRows, rowDivisors,
      );
      produced += rows;
    }
  };

  // Pass 1 along columns: one running sum per column, rows in memory order. Each output row
  // goes into a batch of four, and each full batch through pass 2 along rows, of which only
  // the running sums at the 64 kept columns are divided and kept.
  const colSums = new Float32Array(n);
  const lines = new Float32Array(4 * n);
  const lineSums = new Float32Array(4 * n);
  const narrow = new Float32Array(numRows * OUT); // pass 2 along rows, kept columns only
  let batched = 0;
  let outRow = 0;
  const flush = () => {
    const b = (k) => (k < batched ? k * n : 0);
    boxSums4(lines, b(0), b(1), b(2), b(3), lineSums, b(0), b(1), b(2), b(3), n, windowAlongRows);
    for (let k = 0; k < batched; k++, outRow++) {
      for (let q = 0; q < OUT; q++) {
        const c = keptCols[q];
        narrow[outRow * OUT + q] = lineSums[k * n + c] / rowDivisors[c];
      }
    }
    batched = 0;
  };
  const half = Math.floor((windowAlongCols + 2) / 2);
  let emitted = 0;
  // Row `add` is added (or the zero row), row `sub` subtracted (or the zero row); then,
  // unless still filling the first window, one output row is emitted.
  const step = (add, sub, emit) => {
    if (!emit) {
      for (let j = 0; j < n; j++) colSums[j] = colSums[j] + ring[add + j];
      return;
    }
    columnStep(colSums, ring, add, sub, lines, batched * n, n, colDivisors[emitted++]);
    if (++batched === 4) flush();
  };
  let ri = 0;
  let li = 0;
  for (; ri < half - 1; ri++) {
    produceThrough(ri);
    step(slot(ri), zeroRow, false);
  }
  for (; ri < windowAlongCols; ri++) {
    produceThrough(ri);
    step(slot(ri), zeroRow, true);
  }
  for (; ri < numRows; ri++, li++) {
    produceThrough(ri);
    step(slot(ri), slot(li), true);
  }
  for (; emitted < numRows; li++) step(zeroRow, slot(li), true);
  if (batched > 0) flush();

  // Pass 2 along columns, on the 64 kept columns (transposed so each is contiguous), divided
  // only at the 64 kept rows.
  const columns = new Float32Array(OUT * numRows);
  for (let i = 0; i < numRows; i++) {
    for (let q = 0; q < OUT; q++) columns[q * numRows + i] = narrow[i * OUT + q];
  }
  const columnSums = new Float32Array(OUT * numRows);
  for (let q = 0; q < OUT; q += 4) {
    const o = q * numRows;
    boxSums4(columns, o, o + numRows, o + 2 * numRows, o + 3 * numRows,
      columnSums, o, o + numRows, o + 2 * numRows, o + 3 * numRows, numRows, windowAlongCols);
  }
  for (let p = 0; p < OUT; p++) {
    const r = keptRows[p];
    for (let q = 0; q < OUT; q++) out64[p * OUT + q] = columnSums[q * numRows + r] / colDivisors[r];
  }
}

// pdqImageDomainQualityMetric.
function quality(a) {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j] - a[(i + 1) * 64 + j]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(fround(fround(fround(a[i * 64 + j] - a[i * 64 + j + 1]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(Math.trunc(gradientSum / 90), 100);
}

// dct64To16: B = D A Dt, with T = D A, sums in float32 in the reference's order.
function dct64To16(a, t, b) {
  for (let i = 0; i < 16; i++) {
    const pd = i * 64;
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fround(sum + fround(DCT[pd + k] * a[k * 64 + j]));
      t[i * 64 + j] = sum;
    }
  }
  for (let i = 0; i < 16; i++) {
    const pt = i * 64;
    for (let j = 0; j < 16; j++) {
      const pd = j * 64;
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fround(sum + fround(t[pt + k] * DCT[pd + k]));
      b[i * 16 + j] = sum;
    }
  }
}

// Torben's median, as in the reference (float32 throughout).
function torben(m, n) {
  let min = m[0];
  let max = m[0];
  for (let i = 1; i < n; i++) {
    if (m[i] < min) min = m[i];
    if (m[i] > max) max = m[i];
  }
  let less, greater, equal, guess, maxltguess, mingtguess;
  for (;;) {
    guess = fround(fround(min + max) / 2);
    less = 0;
    greater = 0;
    equal = 0;
    maxltguess = min;
    mingtguess = max;
    for (let i = 0; i < n; i++) {
      const v = m[i];
      if (v < guess) {
        less++;
        if (v > maxltguess) maxltguess = v;
      } else if (v > guess) {
        greater++;
        if (v < mingtguess) mingtguess = v;
      } else {
        equal++;
      }
    }
    const halfN = Math.floor((n + 1) / 2);
    if (less <= halfN && greater <= halfN) break;
    else if (less > greater) max = maxltguess;
    else min = mingtguess;
  }
  const halfN = Math.floor((n + 1) / 2);
  if (less >= halfN) return maxltguess;
  if (less + equal >= halfN) return guess;
  return mingtguess;
}

// pdqBuffer16x16ToBits, then the reference's hex format: 16-bit words 15 down to 0, four
// digits each; bit i*16+j is word i, bit j.
function hashHex(b) {
  const median = torben(b, 256);
  let hex = "";
  for (let w = 15; w >= 0; w--) {
    let word = 0;
    for (let j = 0; j < 16; j++) {
      if (b[w * 16 + j] > median) word |= 1 << j;
    }
    hex += word.toString(16).padStart(4, "0");
  }
  return hex;
}

/**
 * The PDQ hash of an ImageData (or any {width, height, data: RGBA bytes}), pixels as they are.
 * @param {{width: number, height: number, data: Uint8ClampedArray|Uint8Array}} imageData
 * @returns {{hash: string, quality: number}} 64 lower-case hex digits and PDQ quality 0-100.
 */
export function pdqHash(imageData) {
  const numCols = imageData.width;
  const numRows = imageData.height;
  const rgba = imageData.data;
  if (!Number.isInteger(numCols) || !Number.isInteger(numRows) || numCols < 0 || numRows < 0) {
    throw new TypeError("pdqHash: width and height must be non-negative integers");
  }
  if (!rgba || rgba.length < numCols * numRows * 4) {
    throw new TypeError("pdqHash: data must hold width * height RGBA pixels");
  }
  if (numRows < MIN_HASHABLE_DIM || numCols < MIN_HASHABLE_DIM) {
    return { hash: "0".repeat(64), quality: 0 };
  }
  const a = new Float32Array(OUT * OUT);
  if (numRows === OUT && numCols === OUT) {
    // The reference skips the blur when the input is already 64x64.
    for (let i = 0; i < OUT; i++) lumaRow(rgba, i * OUT * 4, OUT, a, i * OUT);
  } else {
    downsample(rgba, numRows, numCols, a);
  }
  const q = quality(a);
  const t = new Float32Array(16 * 64);
  const b = new Float32Array(16 * 16);
  dct64To16(a, t, b);
  return { hash: hashHex(b), quality: q };
}
