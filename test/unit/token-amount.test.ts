import { describe, expect, it } from 'vitest';
import { formatWei, parseTokenAmount } from '../../renderer/format-wei';

describe('parseTokenAmount', () => {
  it('reads decimals exactly, to the wei', () => {
    expect(parseTokenAmount('0.1')).toEqual({ wei: 10n ** 17n });
    expect(parseTokenAmount(' 2 ')).toEqual({ wei: 2n * 10n ** 18n });
    expect(parseTokenAmount('.5')).toEqual({ wei: 5n * 10n ** 17n });
    expect(parseTokenAmount('1.')).toEqual({ wei: 10n ** 18n });
    expect(parseTokenAmount('0.000000000000000001')).toEqual({ wei: 1n });
    expect(parseTokenAmount('123456789.123456789123456789')).toEqual({ wei: 123456789123456789123456789n });
    // The round trip through the display.
    const { wei } = parseTokenAmount('0.100000000000000003') as { wei: bigint };
    expect(formatWei(wei, 18)).toBe('0.100000000000000003');
  });

  it('says why an amount is not one', () => {
    expect(parseTokenAmount('')).toEqual({ error: '"" is not an amount: write it as a decimal number, e.g. 0.1' });
    expect(parseTokenAmount('-1')).toHaveProperty('error');
    expect(parseTokenAmount('1e18')).toHaveProperty('error');
    expect(parseTokenAmount('1,5')).toHaveProperty('error');
    expect(parseTokenAmount('.')).toHaveProperty('error');
    expect(parseTokenAmount('0')).toEqual({ error: 'The amount must be more than 0' });
    expect(parseTokenAmount('0.0000000000000000001')).toEqual({ error: '"0.0000000000000000001" has 19 decimal places; the native token has 18' });
  });
});
