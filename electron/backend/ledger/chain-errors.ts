// What an error from ethers or Node says about the chain: out of funds, or not reachable.

/** The code and messages of an error from ethers or Node, as one string to match on. */
function describe(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; shortMessage?: unknown };
  return [e.code, e.shortMessage, e.message].filter((v) => typeof v === 'string').join(' ');
}

export function isInsufficientFunds(error: unknown): boolean {
  return /INSUFFICIENT_FUNDS|insufficient funds/i.test(describe(error));
}

export function isUnreachable(error: unknown): boolean {
  const text = describe(error);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|fetch failed|socket hang up|TIMEOUT|NETWORK_ERROR/i.test(text);
}
