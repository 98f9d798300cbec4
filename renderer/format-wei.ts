/** Wei (a decimal string or bigint) in the native token's unit, 18 decimals, cut to `places` decimals without rounding up; trailing zeros dropped. */
export function formatWei(wei: string | bigint, places = 6): string {
  const n = typeof wei === 'bigint' ? wei : BigInt(wei);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const whole = abs / 10n ** 18n;
  const fraction = (abs % 10n ** 18n).toString().padStart(18, '0').slice(0, places).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * An amount of the native token typed by the user ("0.1", "2", ".5") as exact wei, or why it is
 * not one: decimals only, at most 18 places (a wei is the smallest unit), more than zero.
 */
export function parseTokenAmount(text: string): { wei: bigint } | { error: string } {
  const t = text.trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (t === '' || t === '.' || !m) return { error: `"${text}" is not an amount: write it as a decimal number, e.g. 0.1` };
  const [, whole = '', fraction = ''] = m;
  if (fraction.length > 18) return { error: `"${text}" has ${fraction.length} decimal places; the native token has 18` };
  const wei = BigInt(whole || '0') * 10n ** 18n + BigInt((fraction || '0').padEnd(18, '0'));
  if (wei === 0n) return { error: 'The amount must be more than 0' };
  return { wei };
}
