import os from 'node:os';

/** Who local edits are credited to until the wallet gives an address. */
export function localAuthor(): string {
  let name = 'user';
  try {
    name = os.userInfo().username || name;
  } catch {
    // Some sandboxes have no passwd entry; the generic name will do.
  }
  return `local:${name}`;
}
