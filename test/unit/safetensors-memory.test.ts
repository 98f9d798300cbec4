import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { SafetensorsDtype } from '../../engine/io/dtypes';
import { SafetensorsFile } from '../../engine/io/safetensors-file';
import { tempDir } from '../fixtures/temp-dir';

const MB = 1 << 20;

// A collection before each measurement, so garbage from earlier work is not freed during it and
// hidden in the numbers.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A one-tensor file written in 1 MB pieces, so the test itself never holds the tensor. */
function bigFile(dtype: SafetensorsDtype, bytes: number, fill: (chunk: Uint8Array, index: number) => void): string {
  const file = path.join(tempDir(), `big-${dtype}.safetensors`);
  const n = bytes / (dtype === 'F32' ? 4 : 2);
  let json = JSON.stringify({ w: { dtype, shape: [n], data_offsets: [0, bytes] } });
  while (json.length % 8) json += ' ';
  const head = Buffer.alloc(8 + json.length);
  head.writeBigUInt64LE(BigInt(json.length), 0);
  head.write(json, 8, 'latin1');
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, head);
  const chunk = new Uint8Array(MB);
  for (let i = 0; i < bytes / MB; i++) {
    fill(chunk, i);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return file;
}

const procStatus = (field: string) => Number(/\d+/.exec(fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[0]) * 1024;

/** Linux keeps the peak resident size (VmHWM) and resets it on request: a true peak, even inside synchronous code. */
function canResetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return procStatus('VmHWM:') > 0;
  } catch {
    return false;
  }
}

/**
 * Collects until ArrayBuffer memory stops falling. A collection frees an ArrayBuffer's backing
 * store a little later, off the collection itself: a baseline taken right after one gc() can
 * still include an earlier test's 256 MB, whose release during the measurement then cancels out
 * the growth being measured.
 */
async function settle(): Promise<void> {
  let last = Infinity;
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = process.memoryUsage().arrayBuffers;
    if (now >= last) return;
    last = now;
  }
}

/**
 * The largest growth of memory while `fn` runs: ArrayBuffer memory sampled between its
 * event-loop turns and at its end, and (on Linux) the resident-size high-water mark, which also
 * sees a second buffer that lived only inside synchronous code.
 */
async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number; peakRss: number | undefined }> {
  await settle();
  const rss = canResetPeakRss();
  const rssBefore = procStatus('VmRSS:');
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - before));
  const timer = setInterval(sample, 2);
  try {
    const result = await fn();
    sample();
    return { result, peak, peakRss: rss ? procStatus('VmHWM:') - rssBefore : undefined };
  } finally {
    clearInterval(timer);
  }
}

function expectOneCopy(what: { peak: number; peakRss: number | undefined }, resultMb: number): void {
  const label = `ArrayBuffers +${(what.peak / MB).toFixed(1)} MB, peak RSS +${what.peakRss === undefined ? '?' : (what.peakRss / MB).toFixed(1)} MB`;
  expect(what.peak / MB, label).toBeGreaterThan(resultMb * 0.9); // less a little garbage freed meanwhile
  expect(what.peak / MB, label).toBeLessThan(resultMb * 1.25);
  if (what.peakRss === undefined) console.warn('no /proc/self/clear_refs here: the peak is sampled only between event-loop turns');
  else expect(what.peakRss / MB, label).toBeLessThan(resultMb * 1.25);
}

describe('reading large tensors copies them once', () => {
  it('a 256 MB F32 tensor adds about 256 MB, not twice that', async () => {
    const file = bigFile('F32', 256 * MB, (c, i) => new Float32Array(c.buffer).fill(i));
    const f = await SafetensorsFile.open(file);
    try {
      const growth = await peakGrowth(() => f.read('w', 'f32'));
      const result = growth.result;
      expect(result.length).toBe(64 * MB);
      expect([result[0], result[MB / 4], result[64 * MB - 1]]).toEqual([0, 1, 255]);
      expectOneCopy(growth, 256);
    } finally {
      await f.close();
    }
  });

  it('a 128 MB BF16 tensor widens to 256 MB of fp32 in place (not 128 + 256)', async () => {
    // bf16 0x3f80 is 1.0, 0x4000 is 2.0: alternate per megabyte.
    const file = bigFile('BF16', 128 * MB, (c, i) => new Uint16Array(c.buffer).fill(i % 2 ? 0x4000 : 0x3f80));
    const f = await SafetensorsFile.open(file);
    try {
      const growth = await peakGrowth(() => f.read('w', 'f32'));
      const result = growth.result;
      expect(result.length).toBe(64 * MB);
      expect([result[0], result[MB / 2], result[64 * MB - 1]]).toEqual([1, 2, 2]);
      expectOneCopy(growth, 256);
    } finally {
      await f.close();
    }
  });
});
