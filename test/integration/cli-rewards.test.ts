// `studio rewards import|list|claim` end to end on the devnet `studio devnet start` runs: a fee
// paid with a shares root for the wallet, its claim file imported, listed, claimed, claimed again.
import fs from 'node:fs';
import path from 'node:path';
import { Contract, Wallet, hexlify, parseEther, randomBytes, type InterfaceAbi } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_DEV_KEY } from '../../electron/backend/ledger/anvil-process';
import { artifact } from '../../electron/backend/ledger/artifacts';
import { eventsOf, sendTx } from '../../electron/backend/ledger/contract-call';
import { buildSharesTree, claimsFile } from '../../shared/ledger/claims';
import { providerFor } from '../fixtures/anvil';
import { runStudio, type CliRun } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

const PASSWORD = 'a long password';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores; the CLI children inherit it
  delete process.env.STUDIO_WALLET_PASSWORD;
});

const studio = (dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runStudio(['--data-dir', dataDir, ...args], env);

async function studioJson<T>(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const run = await studio(dataDir, ['--json', ...args], env);
  expect(run.code, `studio ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as T;
}

describe('studio rewards', () => {
  it('imports a claim file, lists the share, claims it with the wallet, and refuses a second claim', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const passwordFile = path.join(dir, 'password.txt');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`);
    const keyFile = path.join(dir, 'key.txt');
    fs.writeFileSync(keyFile, `0x${'37'.repeat(32)}\n`);
    const devnet = await studioJson<{ rpcUrl: string; addresses: Record<string, string> }>(data, ['devnet', 'start']);
    const provider = providerFor(devnet.rpcUrl);
    try {
      const { address } = await studioJson<{ address: string }>(data, ['wallet', 'import', '--private-key-file', keyFile, '--password-file', passwordFile]);
      await studioJson(data, ['wallet', 'fund', '--eth', '1']);
      const empty = await studio(data, ['rewards', 'list']);
      expect(empty.stdout).toMatch(/^No rewards imported\. .*studio rewards import FILE/);

      // The settler: a model at 20% for its owner, a 1 ETH fee, 0.4 ETH of it to this wallet.
      const dev = new Wallet(ANVIL_DEV_KEY, provider);
      const adapter = hexlify(randomBytes(32));
      await sendTx(new Contract(devnet.addresses.ModelRegistry!, artifact('ModelRegistry').abi as InterfaceAbi, dev), 'register', [adapter, hexlify(randomBytes(32)), hexlify(randomBytes(32)), dev.address, 2000, '']);
      const settlement = new Contract(devnet.addresses.Settlement!, artifact('Settlement').abi as InterfaceAbi, dev);
      const tree = buildSharesTree([
        { account: address, amount: parseEther('0.4') },
        { account: Wallet.createRandom().address, amount: parseEther('0.4') },
      ]);
      const receipt = await sendTx(settlement, 'pay', [adapter, tree.root, ''], { value: parseEther('1') });
      const paymentId = String(eventsOf(settlement, receipt)[0]!.args.paymentId);
      const file = claimsFile({ chainId: 31337, settlement: devnet.addresses.Settlement!, payments: [{ paymentId, tree }] });
      const claimsPath = path.join(dir, 'claims.json');
      fs.writeFileSync(claimsPath, JSON.stringify(file));
      const otherChain = path.join(dir, 'claims-1612.json');
      fs.writeFileSync(otherChain, JSON.stringify({ ...file, chainId: 1612 }));

      const refused = await studio(data, ['rewards', 'import', otherChain]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^studio: file is for chain 1612, but the network in Settings \(the local devnet\) is chain 31337/);
      expect(await studioJson(data, ['rewards', 'import', claimsPath])).toEqual({ checked: 2, mine: 1, payments: [paymentId] });
      const listed = await studio(data, ['rewards', 'list']);
      expect(listed.stdout).toBe(`payment ${paymentId}  index 0  0.4 ETH  claimable\n`);

      const noPassword = await studio(data, ['rewards', 'claim', paymentId, '0']);
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toMatch(/--password-file FILE or set \$STUDIO_WALLET_PASSWORD/);
      expect((await studio(data, ['rewards', 'claim', paymentId, 'first'], { STUDIO_WALLET_PASSWORD: PASSWORD })).code).toBe(2);

      const before = await provider.getBalance(address);
      const claimed = await studioJson<{ txHash: string; amount: string }>(data, ['rewards', 'claim', paymentId, '0', '--password-file', passwordFile]);
      const paid = (await provider.getTransactionReceipt(claimed.txHash))!;
      expect((await provider.getBalance(address)) - before + paid.gasUsed * paid.gasPrice).toBe(parseEther('0.4'));
      expect((await studio(data, ['rewards', 'list'])).stdout).toBe(`payment ${paymentId}  index 0  0.4 ETH  claimed (tx ${claimed.txHash})\n`);

      const again = await studio(data, ['rewards', 'claim', paymentId, '0'], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^studio: Share 0 of payment \d+ was already claimed: its 0\.4 went to 0x[0-9a-fA-F]{40}\. Nothing was sent\./);
    } finally {
      provider.destroy();
      await studio(data, ['devnet', 'stop']);
    }
  }, 120_000);
});
