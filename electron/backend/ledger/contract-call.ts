import type { Contract, ContractTransactionReceipt, Overrides, Signer } from 'ethers';
import { inTxLane } from './tx-lane';

/** Sends `fn(...args)` and waits for its receipt; rejects (with the revert's data) when the node refuses it. */
export async function sendTx(contract: Contract, fn: string, args: readonly unknown[] = [], overrides: Overrides = {}): Promise<ContractTransactionReceipt> {
  const signer = contract.runner as Signer | null;
  if (!signer || typeof signer.getAddress !== 'function') throw new Error(`${fn}: the contract has no signer to send from`);
  const response = await inTxLane(signer, () => contract.getFunction(fn).send(...args, overrides));
  const receipt = await response.wait();
  if (!receipt) throw new Error(`${fn}: the transaction ${response.hash} was dropped before it was mined`);
  return receipt;
}

/** Calls a view (or simulates a call) and types its result; the caller states the ABI's return shape. */
export async function callView<T>(contract: Contract, fn: string, ...args: readonly unknown[]): Promise<T> {
  return (await contract.getFunction(fn).staticCall(...args)) as T;
}

/** The events of `contract` in a receipt, decoded. */
export function eventsOf(contract: Contract, receipt: ContractTransactionReceipt): { name: string; args: Record<string, unknown> }[] {
  const out: { name: string; args: Record<string, unknown> }[] = [];
  for (const log of receipt.logs) {
    const parsed = contract.interface.parseLog(log);
    if (parsed) out.push({ name: parsed.name, args: parsed.args.toObject() });
  }
  return out;
}
