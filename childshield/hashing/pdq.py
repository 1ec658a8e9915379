"""The PDQ hash of a picture's luminance fed in strips from the top, never all of it as floats.

A numpy port of Meta's PDQ reference (facebook/ThreatExchange at the commit pdqhash 0.2.8 builds,
pdq/cpp: hashing/pdqhashing.cpp, downscaling/downscaling.cpp), with the luminance step of the
pdqhash Python binding (faustomorales/pdqhash-python, pdqhash/bindings.pyx), whose hashes the
banks hold. It gives pdqhash.compute's 256 bits and quality exactly: every float32 operation of
the reference is done by numpy in float32, in the reference's order, on many rows or columns at
once (np.add.accumulate where there are few of them).

How it differs from the reference in shape, never in results (as static/hashing/pdq.js does):
- The Jarosz filter (a box filter along rows, then down columns, twice) streams: a strip of rows
  is filtered along, then fed to the filter down the columns, which keeps one running sum per
  column and the rows it has still to subtract; a picture of more than one strip is never held
  as floats, and one of a single strip is filtered in place.
- The second pass only divides at the 64 columns and 64 rows that the decimation keeps; the
  reference never reads its other outputs either.

----------------------------------------------------------------------------------------------
Ported code: BSD License, for ThreatExchange software

Copyright (c) Meta Platforms, Inc. and affiliates.

Redistribution and use in source and binary forms, with or without modification,
are permitted provided that the following conditions are met:

 * Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

 * Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

 * Neither the name Facebook nor the names of its contributors may be used to
   endorse or promote products derived from this software without specific
   prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR
ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

The median the reference thresholds at comes from Torben Mogensen's algorithm (implementation by
N. Devillard, public domain), which returns the ((n + 1) / 2)th smallest value; numpy finds it here.
pdqhash-python (the luminance step): Copyright (c) Fausto Morales, MIT License.
----------------------------------------------------------------------------------------------
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
LumaFill = Callable[[Floats, int], None]
"""fill(out, first_row): writes the luminance of rows first_row … first_row + len(out) - 1 into out."""

HASH_BYTES = 32
MIN_SIDE = 5  # the reference's MIN_HASHABLE_DIM: a smaller picture hashes to all zeros, quality 0
STRIP_PIXELS = 1 << 20  # the picture is filtered in strips of about this many pixels (4 MB of floats),
STRIP_ROWS = 512  # but at least this many rows, so that a pass along them is a few wide numpy calls,
MAX_STRIP_PIXELS = 1 << 22  # unless that would take more than this many pixels
LUMA_TILE_PIXELS = 1 << 15  # luminance is worked out in float64 on tiles of about this many pixels

_OUT = 64  # the reference decimates to 64 x 64
# With this many lanes or more, one numpy call per addition over all lanes is fastest; with fewer,
# np.add.accumulate along the steps (which adds in order, one after the other, as the reference).
_VECTOR_LANES = 96
_PIECE_STEPS = 32  # steps taken between two divisions (one numpy call for the piece)
_PIECE_VALUES = 1 << 18  # but a piece's sums hold at most about this many floats
_F32 = np.float32


def _dct_matrix() -> Floats:
    # float scale = sqrt(2.0 / 64); D[i][j] = scale * cos((M_PI / 2.0 / 64) * (i + 1) * (2 * j + 1)),
    # the product in double (math.cos is the C library's cos, as std::cos), stored as float.
    scale = float(_F32(math.sqrt(2.0 / 64)))
    matrix = np.empty((16, 64), dtype=np.float32)
    for i in range(16):
        for j in range(64):
            matrix[i, j] = scale * math.cos((math.pi / 2.0 / 64.0) * (i + 1) * (2 * j + 1))
    return matrix


_DCT = _dct_matrix()


def luma_from_rgb(rgb: npt.NDArray[np.uint8], out: Floats) -> None:
    """The binding's luminance: R*0.299 + G*0.587 + B*0.114 in float64, then rounded to float32."""
    total = np.multiply(rgb[..., 0], 0.299)
    part = np.multiply(rgb[..., 1], 0.587)
    total += part
    np.multiply(rgb[..., 2], 0.114, out=part)
    total += part
    np.copyto(out, total, casting="same_kind")


def window_size(old: int) -> int:
    """computeJaroszFilterWindowSize(old, 64): half a 64th of the side, rounded up."""
    return (old + 2 * _OUT - 1) // (2 * _OUT)


def decimation_picks(length: int) -> npt.NDArray[np.intp]:
    """decimateFloat's sample positions: the centres of 64 equal parts of the side."""
    return np.array([int(((k + 0.5) * length) / _OUT) for k in range(_OUT)], dtype=np.intp)


class _Box:
    """box1DFloat along a sequence of `length` vectors, on every lane (column) of them at once.

    The reference's four phases are one list of steps: step t adds input t (while t < length),
    then subtracts input t - window (once t >= window); from step `lead` on, step t gives output
    t - lead, its running sum divided by the number of inputs the sum holds. Steps are taken a
    piece at a time, as inputs arrive; every addition and subtraction is done in float32 in the
    reference's order, so each output is the reference's float.
    """

    def __init__(self, length: int, window: int, lanes: int) -> None:
        self.length = length
        self.window = window
        self.lead = (window + 2) // 2 - 1  # the reference's half_window_size - 1
        self.vectors = lanes >= _VECTOR_LANES
        # A piece is at least a window long, so that outputs written back over the inputs a piece
        # late (in_place) never overwrite an input a later step reads.
        steps = max(1, _PIECE_VALUES // lanes)
        self.piece = max(window, min(steps, _PIECE_STEPS) if self.vectors else steps)
        self.blocks = [np.empty((self.piece, lanes), dtype=np.float32) for _ in range(2)]
        self.total = np.zeros(lanes, dtype=np.float32)
        self.step = 0

    @property
    def end(self) -> int:
        """The step after the last, which gives the last output."""
        return self.length + self.lead

    def pieces(self, inputs: Floats, first: int, stop: int) -> Iterator[tuple[int, Floats]]:
        """Takes the steps up to `stop`, inputs[i - first] being input i, and yields the outputs of
        each piece: the number of the first, and a row per output (in a buffer used again two
        pieces on)."""
        while self.step < stop:
            start = self.step
            end = min(start + self.piece, stop)
            sums = self.blocks[0][: end - start]
            self.blocks.reverse()
            if self.vectors:
                self._vectors(inputs, first, start, end, sums)
            else:
                self._accumulate(inputs, first, start, end, sums)
            self.step = end
            skip = max(0, self.lead - start)
            if skip < end - start:
                outputs = sums[skip:]
                k = np.arange(start + skip, end)  # steps; output k - lead
                counts = np.minimum(k + 1, self.length) - np.maximum(0, k - self.window + 1)
                np.divide(outputs, counts.astype(np.float32)[:, None], out=outputs)
                yield start + skip - self.lead, outputs

    def in_place(self, lines: Floats) -> None:
        """All the steps, each output written over its input once no later step reads it."""
        pending: tuple[int, Floats] | None = None
        for piece in self.pieces(lines, 0, self.end):
            if pending is not None:
                lines[pending[0] : pending[0] + len(pending[1])] = pending[1]
            pending = piece
        if pending is not None:
            lines[pending[0] : pending[0] + len(pending[1])] = pending[1]

    def _vectors(self, inputs: Floats, first: int, start: int, end: int, sums: Floats) -> None:
        # One numpy call per addition or subtraction, over all lanes; the sum after step t is
        # written straight to its row, from which the next step reads it.
        total = self.total
        for row, t in zip(sums, range(start, end), strict=True):
            if t < self.length:
                np.add(total, inputs[t - first], out=row)
                if t >= self.window:
                    np.subtract(row, inputs[t - self.window - first], out=row)
            else:
                np.subtract(total, inputs[t - self.window - first], out=row)
            total = row
        self.total = total.copy()

    def _accumulate(self, inputs: Floats, first: int, start: int, end: int, sums: Floats) -> None:
        # The operations laid out in order after the running sum so far, subtractions as additions
        # of negated inputs (exact): their cumulative sums are the reference's running sums.
        adds_only = range(start, min(end, self.window))
        both = range(max(start, self.window), min(end, self.length))
        subtracts_only = range(max(start, self.length), end)
        size = 1 + len(adds_only) + 2 * len(both) + len(subtracts_only)
        ops = np.empty((size, len(self.total)), dtype=np.float32)
        ops[0] = self.total
        ends = np.empty(end - start, dtype=np.intp)
        at, done = 1, 0
        if adds_only:
            n = len(adds_only)
            ops[at : at + n] = inputs[adds_only.start - first : adds_only.stop - first]
            ends[done : done + n] = np.arange(at, at + n)
            at, done = at + n, done + n
        if both:
            n = len(both)
            ops[at : at + 2 * n : 2] = inputs[both.start - first : both.stop - first]
            leaving = both.start - self.window - first
            np.negative(inputs[leaving : leaving + n], out=ops[at + 1 : at + 2 * n : 2])
            ends[done : done + n] = np.arange(at + 1, at + 2 * n, 2)
            at, done = at + 2 * n, done + n
        if subtracts_only:
            n = len(subtracts_only)
            leaving = subtracts_only.start - self.window - first
            np.negative(inputs[leaving : leaving + n], out=ops[at : at + n])
            ends[done : done + n] = np.arange(at, at + n)
        np.add.accumulate(ops, axis=0, out=ops)
        self.total = ops[-1].copy()
        np.take(ops, ends, axis=0, out=sums)


class _Feed:
    """A box filter down rows that arrive a chunk at a time, keeping the rows it has still to subtract."""

    def __init__(self, length: int, window: int, lanes: int, chunk: int) -> None:
        self.box = _Box(length, window, lanes)
        self.rows = np.empty((window + chunk, lanes), dtype=np.float32)  # the rows kept, then the chunk
        self.held = 0
        self.received = 0

    def space(self, count: int) -> Floats:
        """Where the next `count` rows go, before `push`."""
        return self.rows[self.held : self.held + count]

    def push(self, count: int) -> Iterator[tuple[int, Floats]]:
        """The outputs the rows written to `space(count)` give, as `_Box.pieces`."""
        top = self.received
        yield from self.box.pieces(self.rows[: self.held + count], top - self.held, top + count)
        self.received += count
        keep = min(self.box.window, self.held + count)
        self.rows[:keep] = self.rows[self.held + count - keep : self.held + count].copy()
        self.held = keep

    def finish(self) -> Iterator[tuple[int, Floats]]:
        """The last outputs, once every row has come."""
        yield from self.box.pieces(self.rows[: self.held], self.received - self.held, self.box.end)


def _picked(pieces: Iterator[tuple[int, Floats]], picks: npt.NDArray[np.intp], into: Floats) -> None:
    """The outputs at the positions `picks`, written to the rows of `into` (a row per pick)."""
    for first, outputs in pieces:
        inside = (picks >= first) & (picks < first + len(outputs))
        into[inside] = outputs[picks[inside] - first]


def _sampled(box: _Box, inputs: Floats, picks: npt.NDArray[np.intp]) -> Floats:
    """The outputs of all of a box filter's steps at the positions `picks`, a row each."""
    result = np.empty((len(picks), len(box.total)), dtype=np.float32)
    _picked(box.pieces(inputs, 0, box.end), picks, result)
    return result


def _strip_rows(height: int, width: int) -> int:
    # Counted as at least 64 columns wide: the 64 columns kept of each row cost that much too.
    wide = max(width, _OUT)
    rows = min(max(STRIP_PIXELS // wide, STRIP_ROWS), MAX_STRIP_PIXELS // wide)
    return max(1, min(height, rows))


def _downsample(height: int, width: int, fill: LumaFill) -> Floats:
    """jaroszFilterFloat (two passes along rows and down columns), then decimateFloat to 64 x 64.

    The luminance comes a strip of rows at a time, is filtered along the rows in place and fed to
    the filter down the columns (which keeps the rows before it has still to subtract). Its output
    rows are filtered along again, kept only at the 64 columns the decimation reads, and those are
    fed to the second filter down the columns, kept only at the 64 rows the decimation reads.
    """
    along, down = window_size(width), window_size(height)
    # The columns the decimation reads, each once (a picture under 64 wide repeats some).
    columns, repeat = np.unique(decimation_picks(width), return_inverse=True)
    rows = decimation_picks(height)
    per_strip = _strip_rows(height, width)
    if height <= 2 * per_strip + down:
        # Not more than the strips below would take: the whole picture, filtered in place.
        whole = np.empty((height, width), dtype=np.float32)
        fill(whole, 0)
        _Box(width, along, height).in_place(whole.T)
        _Box(height, down, width).in_place(whole)
        kept = np.ascontiguousarray(_sampled(_Box(width, along, height), whole.T, columns).T)
        return _sampled(_Box(height, down, len(columns)), kept, rows)[:, repeat]
    first_down = _Feed(height, down, width, per_strip)
    second_down = _Feed(height, down, len(columns), per_strip)
    downed = np.empty((per_strip, width), dtype=np.float32)  # rows out of the first pass down
    waiting = 0
    result = np.empty((_OUT, len(columns)), dtype=np.float32)

    def second_along() -> None:
        nonlocal waiting
        if waiting:
            sampled = _sampled(_Box(width, along, waiting), downed[:waiting].T, columns)
            second_down.space(waiting)[...] = sampled.T
            _picked(second_down.push(waiting), rows, result)
            waiting = 0

    def take(pieces: Iterator[tuple[int, Floats]]) -> None:
        nonlocal waiting
        for _, outputs in pieces:
            while len(outputs):
                n = min(len(outputs), per_strip - waiting)
                downed[waiting : waiting + n] = outputs[:n]
                waiting += n
                outputs = outputs[n:]
                if waiting == per_strip:
                    second_along()

    for top in range(0, height, per_strip):
        count = min(per_strip, height - top)
        strip = first_down.space(count)
        fill(strip, top)
        _Box(width, along, count).in_place(strip.T)
        take(first_down.push(count))
    take(first_down.finish())
    second_along()
    _picked(second_down.finish(), rows, result)
    return result[:, repeat]


def _quality(pixels: Floats) -> int:
    """pdqImageDomainQualityMetric: int d = ((u - v) * 100) / 255 in float, truncated, summed."""
    hundred, full_scale = _F32(100), _F32(255)
    vertical = np.trunc(((pixels[:-1] - pixels[1:]) * hundred) / full_scale)
    horizontal = np.trunc(((pixels[:, :-1] - pixels[:, 1:]) * hundred) / full_scale)
    total = int(np.abs(vertical).sum(dtype=np.int64)) + int(np.abs(horizontal).sum(dtype=np.int64))
    return min(total // 90, 100)


def _dct64_to_16(pixels: Floats) -> Floats:
    """dct64To16: T = D A, then B = T Dt, each sum taken over k in order, in float32."""
    partial = np.zeros((16, 64), dtype=np.float32)
    for k in range(64):
        partial += _DCT[:, k, None] * pixels[k][None, :]
    result = np.zeros((16, 16), dtype=np.float32)
    for k in range(64):
        result += partial[:, k, None] * _DCT[None, :, k]
    return result


def _median(values: Floats) -> np.float32:
    """torben(m, 256): what Torben's median returns is always the 128th smallest of the values."""
    middle = (values.size + 1) // 2 - 1
    return _F32(np.partition(values.ravel(), middle)[middle])


def pdq_from_luma(*, height: int, width: int, fill: LumaFill) -> tuple[bytes, int]:
    """pdqHash256FromFloatLuma: the hash, as pdqhash.compute's 256 bits packed, and its quality."""
    if height < MIN_SIDE or width < MIN_SIDE:
        return bytes(HASH_BYTES), 0
    if height == _OUT and width == _OUT:
        # As the reference does for video frames already scaled to 64 x 64: no filter at all.
        pixels = np.empty((_OUT, _OUT), dtype=np.float32)
        fill(pixels, 0)
    else:
        pixels = _downsample(height, width, fill)
    quality = _quality(pixels)
    dct = _dct64_to_16(pixels)
    bits = (dct > _median(dct)).ravel()
    # pdqhash's bit vector runs from bit 255 of the reference's Hash256 down to bit 0.
    return np.packbits(bits[::-1]).tobytes(), quality
