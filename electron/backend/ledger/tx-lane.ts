/**
 * One wallet, one nonce sequence: transactions from the same address are sent one after another,
 * from anywhere in the backend (the sync engine anchoring records, a registration, a settlement, a
 * claim). Sent at once, both would be given the same pending nonce and the node would refuse one
 * ("nonce has already been used": a registration sent while a sync pass anchored the records just
 * signed). A send holds the lane until the node has the transaction; from then on the pending
 * nonce counts it, so waiting for the receipt happens outside the lane.
 */
import type { Signer } from 'ethers';

const lanes = new Map<string, Promise<unknown>>();

export async function inTxLane<T>(signer: Signer, send: () => Promise<T>): Promise<T> {
  const key = (await signer.getAddress()).toLowerCase();
  const before = lanes.get(key) ?? Promise.resolve();
  const run = before.then(send, send);
  const settled = run.catch(() => undefined);
  lanes.set(key, settled);
  // The last sender cleans up, so the map holds only lanes in use.
  void settled.then(() => {
    if (lanes.get(key) === settled) lanes.delete(key);
  });
  return run;
}
