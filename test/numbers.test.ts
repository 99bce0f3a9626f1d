import { describe, expect, it } from 'vitest';
import { formatNumber } from '../src/util/numbers.js';

describe('formatNumber', () => {
  it('writes what toLocaleString en-US writes', () => {
    const values = [0, -0, 1, 12, 123, 1234, 12345, 123456, 1234567, -1, -999, -1000, -1234567];
    for (let digits = 1; digits <= 16; digits++) values.push(Number('9'.repeat(digits)), 10 ** (digits - 1));
    values.push(Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5, 0.12345, 1e21, Infinity, -Infinity, NaN);
    for (const n of values) expect(formatNumber(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
