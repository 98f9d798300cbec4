/**
 * electron/backend/ledger/tx-lane.ts on a real anvil: transactions sent at once from one wallet
 * (as a sync pass and a registration can be) each get their own nonce and all land; without the
 * lane, two prepared at once read the same pending nonce and the node refuses one. The lane keeps
 * the callers' order, and a refused send does not hold up the next.
 */
import { Contract, Wallet, hexlify, randomBytes, type InterfaceAbi } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact } from '../../electron/backend/ledger/artifacts';
import { sendTx } from '../../electron/backend/ledger/contract-call';
import { inTxLane } from '../../electron/backend/ledger/tx-lane';
import { startTestChain, type TestChain } from '../fixtures/anvil';

let chain: TestChain;
beforeAll(async () => {
  chain = await startTestChain();
}, 60_000);
afterAll(() => chain.close());

const registryFor = (signer: Wallet) => new Contract(chain.addresses.ContributionRegistry, artifact('ContributionRegistry').abi as InterfaceAbi, signer);
const anchor = (registry: Contract) => sendTx(registry, 'anchor', [hexlify(randomBytes(32)), hexlify(randomBytes(32)), 1, '']);

describe('the transaction lane', () => {
  it('sends transactions of one wallet one after another, each with its own nonce', async () => {
    // Two contracts over two Wallet objects of one key: nothing shared but the address.
    const [a, b] = [registryFor(chain.deployer), registryFor(new Wallet(chain.deployer.privateKey, chain.provider))];
    const start = await chain.provider.getTransactionCount(chain.deployerAddress, 'pending');
    const receipts = await Promise.all(Array.from({ length: 6 }, (_, i) => anchor(i % 2 ? a : b)));
    const nonces = await Promise.all(receipts.map(async (r) => (await chain.provider.getTransaction(r.hash))!.nonce));
    expect([...nonces].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i));
  });

  it('is what keeps them apart: sent around it, two at once collide', async () => {
    // Outside the lane, two sends prepared at once are given the same pending nonce, and the node takes one.
    const registry = registryFor(chain.deployer);
    const call = () => registry.getFunction('anchor').populateTransaction(hexlify(randomBytes(32)), hexlify(randomBytes(32)), 1, '');
    const [first, second] = await Promise.all([call(), call()].map(async (c) => chain.deployer.populateTransaction(await c)));
    expect(first!.nonce).toBe(second!.nonce);
    await (await chain.deployer.sendTransaction(first!)).wait();
    await expect(chain.deployer.sendTransaction(second!)).rejects.toThrow(/nonce/i);
    // The lane's order is the order of the calls, and a failed send does not block the next.
    const order: number[] = [];
    const sends = [1, 2, 3].map((i) =>
      inTxLane(chain.deployer, () => {
        order.push(i);
        return i === 2 ? Promise.reject(new Error('refused')) : Promise.resolve(i);
      }),
    );
    expect((await Promise.allSettled(sends)).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual([1, 2, 3]);
  });
});
