// Makes the codes (hashes) of the files a child picked, on their own device: PDQ for pictures,
// MD5 and SHA-256 for every file. Only these codes leave the worker; the bytes never do.
import { pdqHash } from "../hashing/pdq.js";
import { md5Hex } from "../hashing/md5.js";

const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
const MAX_VIDEO_BYTES = 500 * 1024 * 1024;
const MAX_PIXELS = 100000000;

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function exactHashes(bytes) {
  const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));
  return { md5: md5Hex(bytes), sha256: sha256 };
}

function isHeic(file) {
  return /^image\/hei[cf]/i.test(file.type) || /\.(heic|heif)$/i.test(file.name || "");
}

// The size an image says it has, read from its header before decoding it, so that a picture of
// enormous size (or none) is refused without filling the phone's memory. Null when unknown.
function declaredSize(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (offset, text) => Array.from(text).every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));
  if (bytes.length >= 24 && bytes[0] === 0x89 && at(1, "PNG") && at(12, "IHDR")) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && at(0, "GIF8")) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes.length >= 30 && at(0, "RIFF") && at(8, "WEBP")) {
    if (at(12, "VP8X")) {
      const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
      const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
      return { width: width, height: height };
    }
    if (at(12, "VP8L") && bytes[20] === 0x2f) {
      const bits = view.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    if (at(12, "VP8 ")) {
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    }
    return null;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) { return null; }
      const marker = bytes[i + 1];
      if (marker === 0xff) { i += 1; continue; }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) { return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) }; }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { i += 2; continue; }
      i += 2 + view.getUint16(i + 2);
    }
  }
  return null;
}

async function hashFile(file) {
  const video = /^video\//i.test(file.type);
  if (file.size === 0) { return { ok: false, reason: video ? "broken" : "empty" }; }
  if (!video && file.type && !/^image\//i.test(file.type)) { return { ok: false, reason: "not_image" }; }
  if (file.size > (video ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES)) { return { ok: false, reason: "too_big" }; }
  const bytes = await file.arrayBuffer();
  if (video) { return Object.assign({ ok: true, kind: "video" }, await exactHashes(bytes)); }

  const size = declaredSize(new Uint8Array(bytes));
  if (size && (size.width === 0 || size.height === 0)) { return { ok: false, reason: "empty" }; }
  if (size && size.width * size.height > MAX_PIXELS) { return { ok: false, reason: "too_many_pixels" }; }
  let bitmap;
  try {
    // Pixels as stored, turned upright, without colour-profile conversion: what Pillow gives the server.
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image", colorSpaceConversion: "none" });
  } catch (problem) {
    return { ok: false, reason: isHeic(file) ? "heic" : (file.type ? "broken" : "not_image") };
  }
  const width = bitmap.width;
  const height = bitmap.height;
  if (!width || !height || width * height > MAX_PIXELS) {
    bitmap.close();
    return { ok: false, reason: !width || !height ? "empty" : "too_many_pixels" };
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, width, height);
  const perceptual = pdqHash(pixels);
  const exact = await exactHashes(bytes);
  return { ok: true, kind: "image", md5: exact.md5, sha256: exact.sha256, pdq: perceptual.hash, quality: perceptual.quality };
}

async function answer(message) {
  let result;
  try {
    result = await hashFile(message.file);
  } catch (problem) {
    result = { ok: false, reason: "broken" };
  }
  result.id = message.id;
  self.postMessage(result);
}

// One file at a time: twenty phone photos decoded at once would not fit in a cheap phone's memory.
let queue = Promise.resolve();
self.addEventListener("message", (event) => {
  queue = queue.then(() => answer(event.data));
});
