import fc from 'fast-check';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { snappyDecode } from '../../src/formats/prometheus/wire.js';

describe('snappy block decoding of untrusted bodies', () => {
  it('decodes whatever snappyjs compresses, byte for byte', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 40 }), (bytes, repeat) => {
      const input = new Uint8Array(bytes.length * repeat);
      for (let i = 0; i < repeat; i++) input.set(bytes, i * bytes.length); // repeats make copy elements
      expect(Buffer.from(snappyDecode(snappy.compress(input)))).toEqual(Buffer.from(input));
    }), { numRuns: 300 });
  });

  it('refuses, and returns at once on, the block that made snappyjs loop forever', () => {
    const body = Buffer.from('1d7d12b8c56f97ec4cf11223df7d807d01ce748140ffca0107400b14ce2d90e6d9e6acc44fcbf301088102902a0c80d2b3a7124c77ff802e7e6412a7f57e7ad499d0b92795538e37ae60a27294f3801530677b962a344a01097e', 'hex');
    const t0 = Date.now();
    expect(() => snappyDecode(body)).toThrow(InputError);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('refuses copies that point before the start and output that differs from the declared length', () => {
    expect(() => snappyDecode(Uint8Array.from([4, 0b00000001, 10]))).toThrow(/offset/); // copy before any output
    expect(() => snappyDecode(Uint8Array.from([5, 0b00001000, 97, 98, 99]))).toThrow(/declared/); // literal of 3, header says 5
    expect(() => snappyDecode(Uint8Array.from([2, 0b00001000, 97, 98, 99]))).toThrow(/longer than declared/);
  });

  it('never hangs or throws anything but InputError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      try {
        snappyDecode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    }), { numRuns: 5000 });
  });
});
