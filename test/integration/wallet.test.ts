import { createCipheriv, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Wallet, getAddress, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../shared/api/errors';
import { WalletStore } from '../../electron/backend/ledger/wallet';
import { tempDir } from '../fixtures/temp-dir';

const PASSWORD = 'correct horse battery';
const fastStore = (dir = tempDir('studio-wallet-'), autoLockMs?: number) => new WalletStore(dir, { scryptN: 2 ** 10, autoLockMs });

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<ApiFailure['error']> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof ApiFailure) return error.error;
    throw error;
  }
  throw new Error('expected a failure');
}

/**
 * A v3 keystore written the way geth does (Web3 Secret Storage: scrypt, AES-128-CTR, keccak MAC),
 * by Node's own crypto rather than ethers, so the import is checked against an independent writer.
 * n is lowered from geth's 2^18 to keep the test quick; the format is the same.
 */
function gethKeystore(privateKey: string, password: string): string {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const n = 4096;
  const derived = scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N: n, r: 8, p: 1 });
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), 'hex')), cipher.final()]);
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  return JSON.stringify({
    address: new Wallet(privateKey).address.slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n, p: 1, r: 8, salt: salt.toString('hex') },
      mac,
    },
    id: randomUUID(),
    version: 3,
  });
}

describe('the wallet', () => {
  it('creates a wallet only after three words of the phrase are typed back, then is unlocked', async () => {
    const store = fastStore();
    const draft = store.beginCreate();
    expect(draft.mnemonic.split(' ')).toHaveLength(12);
    expect(store.status().exists).toBe(false); // nothing written before the confirmation
    const words = draft.mnemonic.split(' ');
    const right = Object.fromEntries(draft.confirmIndices.map((i) => [i, words[i]!]));
    const wrong = { ...right, [draft.confirmIndices[0]!]: 'zzz' };
    expect(await failure(store.confirmCreate(draft.draftId, wrong, PASSWORD))).toMatchObject({ code: 'invalid_input', field: `words.${draft.confirmIndices[0]}` });
    expect(await failure(store.confirmCreate(draft.draftId, right, 'short'))).toMatchObject({ field: 'password' });
    const status = await store.confirmCreate(draft.draftId, right, PASSWORD);
    expect(status).toMatchObject({ exists: true, unlocked: true, address: getAddress(draft.address) });
    expect(fs.readFileSync(store.file, 'utf8')).not.toContain(words[0]! + ' ');
    expect(store.signer().address).toBe(draft.address);
    expect(await failure(() => store.beginCreate())).toMatchObject({ code: 'conflict' });
  });

  it('locks, refuses a wrong password without touching the keystore, and unlocks with the right one', async () => {
    const store = fastStore();
    const key = Wallet.createRandom();
    await store.importWallet({ kind: 'privateKey', privateKey: key.privateKey, password: PASSWORD });
    const before = fs.readFileSync(store.file);
    store.lock();
    expect(await failure(() => store.signer())).toMatchObject({ code: 'unavailable' });
    expect(await failure(store.unlock('wrong password'))).toMatchObject({ code: 'invalid_input', field: 'password', message: 'is not the password of this keystore' });
    expect(fs.readFileSync(store.file).equals(before)).toBe(true);
    expect((await store.unlock(PASSWORD)).unlocked).toBe(true);
    expect(store.signer().address).toBe(key.address);
  });

  it('locks itself after the idle time', async () => {
    const store = fastStore(undefined, 50);
    await store.importWallet({ kind: 'privateKey', privateKey: Wallet.createRandom().privateKey, password: PASSWORD });
    expect(store.status().unlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(store.status().unlocked).toBe(false);
  });

  it('imports a recovery phrase (same address as any BIP-44 wallet) and keeps it in the keystore', async () => {
    const store = fastStore();
    const phrase = 'test test test test test test test test test test test junk';
    await store.importWallet({ kind: 'mnemonic', phrase: `  ${phrase.toUpperCase()} `, password: PASSWORD });
    expect(store.status().address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'); // anvil's first account
    store.lock();
    await store.unlock(PASSWORD);
    expect((store.signer() as { mnemonic?: { phrase: string } }).mnemonic?.phrase).toBe(phrase);
    expect(await failure(fastStore().importWallet({ kind: 'mnemonic', phrase: 'not a real phrase at all', password: PASSWORD }))).toMatchObject({ field: 'phrase' });
  });

  it('imports a v3 keystore as geth and MetaMask write it, and exports one that ethers opens', async () => {
    const store = fastStore();
    const GETH_KEY = Wallet.createRandom().privateKey;
    const GETH_KEYSTORE = gethKeystore(GETH_KEY, 'testpassword');
    expect(await failure(store.importWallet({ kind: 'keystore', json: GETH_KEYSTORE, keystorePassword: 'nope nope', password: PASSWORD }))).toMatchObject({ field: 'keystorePassword' });
    await store.importWallet({ kind: 'keystore', json: GETH_KEYSTORE, keystorePassword: 'testpassword', password: PASSWORD });
    expect(store.signer().privateKey).toBe(GETH_KEY);
    const exported = store.exportKeystore();
    expect((await Wallet.fromEncryptedJson(exported, PASSWORD)).privateKey).toBe(GETH_KEY);
    expect(await failure(fastStore().importWallet({ kind: 'keystore', json: '{"hello":1}', keystorePassword: 'x', password: PASSWORD }))).toMatchObject({ field: 'json' });
  }, 60_000);

  it('reports a damaged keystore by name and changes nothing', async () => {
    const dir = tempDir('studio-wallet-');
    const store = fastStore(dir);
    await store.importWallet({ kind: 'privateKey', privateKey: Wallet.createRandom().privateKey, password: PASSWORD });
    fs.writeFileSync(store.file, '{"address": "12", "crypto": trunc');
    const reopened = fastStore(dir);
    const error = await failure(() => reopened.status());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(store.file);
    expect(error.message).toMatch(/damaged/);
    expect(await failure(reopened.unlock(PASSWORD))).toMatchObject({ code: 'unavailable' });
    expect(fs.readFileSync(store.file, 'utf8')).toBe('{"address": "12", "crypto": trunc');
    expect(fs.readdirSync(dir)).toEqual(['keystore.json']);
  });

  it('replaces a wallet only when asked, keeping the old keystore beside the new', async () => {
    const dir = tempDir('studio-wallet-');
    const store = fastStore(dir);
    await store.importWallet({ kind: 'privateKey', privateKey: Wallet.createRandom().privateKey, password: PASSWORD });
    const other = Wallet.createRandom();
    expect(await failure(store.importWallet({ kind: 'privateKey', privateKey: other.privateKey, password: PASSWORD }))).toMatchObject({ code: 'conflict' });
    await store.importWallet({ kind: 'privateKey', privateKey: other.privateKey, password: PASSWORD }, true);
    expect(store.status().address).toBe(other.address);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('keystore.replaced-'))).toHaveLength(1);
    expect(path.basename(store.file)).toBe('keystore.json');
  });
});
