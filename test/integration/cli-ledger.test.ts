// The ledger from the command line, end to end on a real anvil that `studio devnet start` runs:
// wallet, faucet, a datanet version contributed, synced until final, exported, verified, tampered.
import fs from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStudio, type CliRun } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

const PASSWORD = 'a long password';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10); // fast keystores; the CLI children inherit it
  delete process.env.STUDIO_WALLET_PASSWORD;
});

/** `studio --data-dir D --json …`: the exit code is checked (stderr in the failure message), stdout parsed. */
async function studioJson<T>(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const run = await runStudio(['--data-dir', dataDir, '--json', ...args], env);
  expect(run.code, `studio ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as T;
}

const studio = (dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runStudio(['--data-dir', dataDir, ...args], env);

describe('studio wallet, contribute, sync, contributions, verify and devnet', () => {
  it('contributes a version, syncs it to final, exports a bundle that verifies, and refuses a tampered one', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const passwordFile = path.join(dir, 'password.txt');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`); // the line break an editor adds is not part of it
    const devnet = await studioJson<{ running: boolean; rpcUrl: string; pid: number; addresses: Record<string, string> }>(data, ['devnet', 'start']);
    try {
      expect(devnet).toMatchObject({ running: true, owner: 'detached' });
      expect(Object.keys(devnet.addresses)).toEqual(['DatanetRegistry', 'ContributionRegistry', 'ModelRegistry', 'Settlement']);
      // A command's backend closing must leave the detached devnet running.
      expect(await studioJson(data, ['devnet', 'status'])).toMatchObject({ running: true, rpcUrl: devnet.rpcUrl });

      const created = await studioJson<{ address: string; mnemonic: string; warning: string }>(data, ['wallet', 'create', '--password-file', passwordFile]);
      expect(created.mnemonic.split(' ')).toHaveLength(12);
      expect(Wallet.fromPhrase(created.mnemonic).address).toBe(created.address);
      expect(created.warning).toMatch(/never shown again/);
      expect(await studioJson(data, ['wallet', 'address'])).toEqual({ address: created.address });
      const again = await studio(data, ['wallet', 'create'], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists/);

      expect(await studioJson(data, ['wallet', 'fund', '--eth', '2'])).toMatchObject({ balance: '2.0' });
      expect(await studioJson(data, ['wallet', 'balance'])).toMatchObject({ address: created.address, formatted: '2.0' });

      fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify({ fields: [{ kind: 'free_text', name: 'note' }] }));
      fs.writeFileSync(path.join(dir, 'items.jsonl'), '{"text":"first"}\n{"text":"second"}\n{"text":"third"}\n');
      await studioJson(data, ['datanet', 'create', 'notes', '--schema', path.join(dir, 'schema.json')]);
      await studioJson(data, ['import', 'notes', path.join(dir, 'items.jsonl')]);
      await studioJson(data, ['version', 'create', 'notes']);

      const noPassword = await studio(data, ['contribute', 'notes']);
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toMatch(/--password-file FILE or set \$STUDIO_WALLET_PASSWORD/);
      const contribution = await studioJson<{ recordId: string; itemCount: number; contributor: string }>(data, ['contribute', 'notes', '--version', '1'], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(contribution).toMatchObject({ itemCount: 3, contributor: created.address });

      // --items FILE: a selection, one id a line (blank lines and # comments skipped); an id the version lacks is named.
      const found = await studioJson<{ items: { id: string }[] }>(data, ['search', 'notes', 'second OR third']);
      const itemsFile = path.join(dir, 'selection.txt');
      fs.writeFileSync(itemsFile, `# two of three\n${found.items.map((i) => i.id).join('\n')}\n\n`);
      const selected = await studioJson<{ itemCount: number }>(data, ['contribute', 'notes', '--items', itemsFile], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(selected).toMatchObject({ itemCount: 2 });
      fs.writeFileSync(itemsFile, 'it_notanitemhere\n');
      const unknown = await studio(data, ['contribute', 'notes', '--items', itemsFile], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^studio: items has it_notanitemhere, which is not an item of version 1/);
      fs.writeFileSync(itemsFile, '\n# nothing\n');
      const empty = await studio(data, ['contribute', 'notes', '--items', itemsFile], { STUDIO_WALLET_PASSWORD: PASSWORD });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/the file names no items/);

      const synced = await studioJson<{ counts: Record<string, number>; stopped: boolean }>(data, ['sync', '--interval', '0.2', '--password-file', passwordFile]);
      expect(synced).toMatchObject({ stopped: false, counts: { confirmed: 2, signed: 0, queued: 0, submitted: 0, included: 0 } });
      const listed = await studioJson<{ recordId: string; state: string; txHash: string }[]>(data, ['contributions', 'list', '--state', 'confirmed']);
      expect(listed.map((c) => c.recordId)).toContain(contribution.recordId);
      expect(listed).toHaveLength(2);
      expect(listed[0]!.txHash).toMatch(/^0x[0-9a-f]{64}$/);

      const out = path.join(dir, 'bundles');
      const exported = await studioJson<{ files: string[] }>(data, ['contributions', 'export', '--all', '--out', out]);
      const file = path.join(out, `${contribution.recordId}.json`);
      expect(exported.files).toContain(file);
      expect(exported.files).toHaveLength(2);

      const verified = await studio(data, ['verify', file]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')))).toEqual(['✓ digest', '✓ signature', '✓ content root', '✓ merkle proof', '✓ anchored', '✓ final']);
      // A third party: no data folder of theirs, only the node's address.
      const elsewhere = await runStudio(['--data-dir', path.join(dir, 'someone-else'), 'verify', file, '--rpc', devnet.rpcUrl]);
      expect(elsewhere.code, elsewhere.stderr).toBe(0);

      const bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as { record: { itemCount: number } };
      bundle.record.itemCount = 300;
      const tampered = path.join(dir, 'tampered.json');
      fs.writeFileSync(tampered, JSON.stringify(bundle));
      const refused = await studio(data, ['verify', tampered]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^✗ digest: the record hashes to/m);
      expect(refused.stderr).toMatch(/^studio: the bundle does not verify: digest, signature, merkle proof, anchored failed\n$/);

      const wrongPassword = path.join(dir, 'wrong.txt');
      fs.writeFileSync(wrongPassword, 'not the password');
      const wrong = await studio(data, ['sync', '--once', '--password-file', wrongPassword]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toBe(`studio: the password does not open the wallet's keystore ${path.join(data, 'wallet', 'keystore.json')}: check --password-file or $STUDIO_WALLET_PASSWORD\n`);
    } finally {
      await studio(data, ['devnet', 'stop']);
      try {
        process.kill(devnet.pid, 'SIGKILL'); // only if stop failed: the test must not leave anvil behind
      } catch {
        // Already gone.
      }
    }
    expect(await studioJson(data, ['devnet', 'status'])).toMatchObject({ running: false });
    // Offline: the checks that need only the file still run, and the chain is said to be unasked.
    const offline = await studio(data, ['verify', path.join(dir, 'bundles', fs.readdirSync(path.join(dir, 'bundles'))[0]!)]);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/^✓ merkle proof:/m);
    expect(offline.stdout).toMatch(/^✗ chain: not reachable/m);
    expect(offline.stderr).toMatch(/only the offline checks ran, and they hold/);
  }, 180_000);

  it('imports a key, a phrase and a keystore, exports it, and names a damaged keystore without touching it', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const env = { STUDIO_WALLET_PASSWORD: PASSWORD };
    const key = Wallet.createRandom();
    fs.writeFileSync(path.join(dir, 'key.txt'), `${key.privateKey}\n`);
    expect(await studioJson(data, ['wallet', 'import', '--private-key-file', path.join(dir, 'key.txt')], env)).toMatchObject({ address: key.address, unlocked: true });

    const both = await studio(data, ['wallet', 'import', '--private-key-file', path.join(dir, 'key.txt'), '--mnemonic-file', path.join(dir, 'key.txt')], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of/);
    const badPhrase = path.join(dir, 'bad-phrase.txt');
    fs.writeFileSync(badPhrase, 'not a recovery phrase at all');
    const refusedPhrase = await studio(data, ['wallet', 'import', '--mnemonic-file', badPhrase, '--replace'], env);
    expect(refusedPhrase.code).toBe(1);
    expect(refusedPhrase.stderr).toMatch(/phrase is not a valid BIP-39 recovery phrase/);

    const phrase = Wallet.createRandom().mnemonic!.phrase;
    fs.writeFileSync(path.join(dir, 'phrase.txt'), phrase);
    const fromPhrase = await studioJson<{ address: string }>(data, ['wallet', 'import', '--mnemonic-file', path.join(dir, 'phrase.txt'), '--replace'], env);
    expect(fromPhrase.address).toBe(Wallet.fromPhrase(phrase).address);

    const exportedFile = path.join(dir, 'exported.json');
    await studioJson(data, ['wallet', 'export', '--out', exportedFile]);
    expect((await studio(data, ['wallet', 'export', '--out', exportedFile])).stderr).toMatch(/EEXIST/);
    // A keystore from elsewhere under its own password, kept here under the wallet password.
    const other = path.join(dir, 'other');
    fs.writeFileSync(path.join(dir, 'keystore-password.txt'), PASSWORD);
    const imported = await studioJson<{ address: string }>(other, ['wallet', 'import', '--keystore', exportedFile, '--keystore-password-file', path.join(dir, 'keystore-password.txt')], {
      STUDIO_WALLET_PASSWORD: 'another long password',
    });
    expect(imported.address).toBe(fromPhrase.address);

    const keystore = path.join(data, 'wallet', 'keystore.json');
    fs.writeFileSync(keystore, '{"address": "oops", "crypto": ');
    for (const args of [['wallet', 'address'], ['sync', '--once']]) {
      const damaged = await studio(data, args, env);
      expect(damaged.code, args.join(' ')).toBe(1);
      expect(damaged.stderr).toBe(`studio: The wallet's keystore file ${keystore} is damaged (not a v3 keystore). Nothing was changed: restore the file from a backup or an export, or import your recovery phrase with "replace".\n`);
    }
    expect(fs.readFileSync(keystore, 'utf8')).toBe('{"address": "oops", "crypto": ');
  }, 180_000); // a dozen CLI processes, each ~1 s alone and several times that on a loaded 2-core machine
});
