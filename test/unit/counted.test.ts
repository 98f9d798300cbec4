import { describe, expect, it } from 'vitest';
import { counted } from '../../shared/format';

describe('counted', () => {
  it('says one thing in the singular and every other count in the plural, grouped for reading', () => {
    expect(counted(1, 'item')).toBe('1 item');
    expect(counted(0, 'item')).toBe('0 items');
    expect(counted(12_500, 'record')).toBe('12,500 records');
    expect(counted(2, 'entry', 'entries')).toBe('2 entries');
  });
});
