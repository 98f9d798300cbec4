/** Wei (a decimal string or bigint) in the native token's unit, 18 decimals, cut to `places` decimals without rounding up; trailing zeros dropped. */
export function formatWei(wei: string | bigint, places = 6): string {
  const n = typeof wei === 'bigint' ? wei : BigInt(wei);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const whole = abs / 10n ** 18n;
  const fraction = (abs % 10n ** 18n).toString().padStart(18, '0').slice(0, places).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
