// The user's key: only here, in the backend. On disk it is a v3 keystore (scrypt + AES-128-CTR,
// as geth and MetaMask write it); in memory it is unlocked for a session that locks itself after
// a quiet while. Nothing here ever writes the key or the recovery phrase in the clear.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HDNodeWallet, Mnemonic, Wallet, decryptKeystoreJson, getAddress, encryptKeystoreJson, isKeystoreJson, type KeystoreAccount, type Provider } from 'ethers';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import { writeFileAtomic } from '../store/atomic-file';

export interface WalletOptions {
  /** scrypt cost; the default (2^17) is ethers'. Tests lower it through STUDIO_KEYSTORE_SCRYPT_N. */
  scryptN?: number;
  /** Lock after this long without use. */
  autoLockMs?: number;
  now?: () => number;
}

export interface WalletStatus {
  exists: boolean;
  address: string | null;
  unlocked: boolean;
  /** When the session locks itself if unused (ms since epoch); null when locked. */
  locksAt: number | null;
}

export type WalletImport =
  | { kind: 'mnemonic'; phrase: string; password: string }
  | { kind: 'privateKey'; privateKey: string; password: string }
  /** A keystore from MetaMask, geth or another app, opened with its own password and kept under `password`. */
  | { kind: 'keystore'; json: string; keystorePassword: string; password: string };

const MIN_PASSWORD = 8;
const DEFAULT_AUTO_LOCK_MS = 15 * 60_000;

function invalid(field: string, message: string): ApiFailure {
  return new ApiFailure({ code: 'invalid_input', field, message });
}

function checkPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD) throw invalid(field, `must be at least ${MIN_PASSWORD} characters`);
}

interface Draft {
  wallet: HDNodeWallet;
  expires: number;
}

export class WalletStore {
  readonly file: string;
  private session: { wallet: Wallet | HDNodeWallet; timer: NodeJS.Timeout; locksAt: number } | null = null;
  private readonly drafts = new Map<string, Draft>();
  private readonly scryptN: number;
  private readonly autoLockMs: number;
  private readonly now: () => number;

  constructor(
    dir: string,
    options: WalletOptions = {},
    private readonly onChange: () => void = () => {},
  ) {
    this.file = path.join(dir, 'keystore.json');
    this.scryptN = options.scryptN ?? (Number(process.env.STUDIO_KEYSTORE_SCRYPT_N) || 2 ** 17);
    this.autoLockMs = options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    this.now = options.now ?? Date.now;
  }

  status(): WalletStatus {
    const address = this.address();
    return { exists: address !== null, address, unlocked: this.session !== null, locksAt: this.session?.locksAt ?? null };
  }

  /** The address in the keystore (readable without the password), or null when there is no wallet. */
  address(): string | null {
    const json = this.readKeystore();
    if (json === null) return null;
    return getAddress(`0x${(JSON.parse(json) as { address: string }).address.replace(/^0x/i, '')}`);
  }

  /**
   * Step one of creating a wallet: a fresh recovery phrase, held in memory only until the user
   * shows they wrote it down (confirmCreate). Nothing is written yet.
   */
  beginCreate(): { draftId: string; mnemonic: string; address: string; confirmIndices: number[] } {
    this.refuseIfExists();
    const wallet = HDNodeWallet.createRandom();
    const draftId = randomUUID();
    this.drafts.set(draftId, { wallet, expires: this.now() + 30 * 60_000 });
    const words = wallet.mnemonic!.phrase.split(' ');
    // Three distinct positions the user must type back.
    const indices = new Set<number>();
    while (indices.size < 3) indices.add(Math.floor(Math.random() * words.length));
    return { draftId, mnemonic: wallet.mnemonic!.phrase, address: wallet.address, confirmIndices: [...indices].sort((a, b) => a - b) };
  }

  /** Step two: the words at the asked positions must match; then the keystore is written and unlocked. */
  async confirmCreate(draftId: string, words: Record<number, string>, password: string): Promise<WalletStatus> {
    const draft = this.drafts.get(draftId);
    if (!draft || draft.expires < this.now()) throw invalid('draftId', 'is unknown or expired: start creating the wallet again');
    checkPassword(password);
    const phrase = draft.wallet.mnemonic!.phrase.split(' ');
    const entries = Object.entries(words);
    if (entries.length < 3) throw invalid('words', 'must confirm three words of the recovery phrase');
    for (const [i, word] of entries) {
      // The field is the input's own path (words.<index>), so the form can mark that one word.
      if (phrase[Number(i)] !== word.trim().toLowerCase()) throw invalid(`words.${i}`, `word ${Number(i) + 1} does not match the recovery phrase`);
    }
    await this.save(draft.wallet, password);
    this.drafts.delete(draftId);
    this.startSession(draft.wallet);
    return this.status();
  }

  async importWallet(source: WalletImport, replace = false): Promise<WalletStatus> {
    if (!replace) this.refuseIfExists();
    checkPassword(source.password);
    let wallet: Wallet | HDNodeWallet;
    switch (source.kind) {
      case 'mnemonic': {
        const phrase = source.phrase.trim().toLowerCase().split(/\s+/).join(' ');
        if (!Mnemonic.isValidMnemonic(phrase)) throw invalid('phrase', 'is not a valid BIP-39 recovery phrase (check the words and their order)');
        wallet = HDNodeWallet.fromPhrase(phrase);
        break;
      }
      case 'privateKey': {
        const key = source.privateKey.trim();
        if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw invalid('privateKey', 'must be 32 bytes of hex (64 hex digits, with or without 0x)');
        try {
          wallet = new Wallet(key.startsWith('0x') ? key : `0x${key}`);
        } catch {
          throw invalid('privateKey', 'is not a valid secp256k1 private key');
        }
        break;
      }
      case 'keystore': {
        if (!isKeystoreJson(source.json)) throw invalid('json', 'is not a keystore file (JSON v3 with a crypto section, as MetaMask and geth export)');
        wallet = await this.decrypt(source.json, source.keystorePassword, 'keystorePassword');
        break;
      }
    }
    if (replace) this.backupExisting();
    await this.save(wallet, source.password);
    this.startSession(wallet);
    return this.status();
  }

  async unlock(password: string): Promise<WalletStatus> {
    const json = this.readKeystore();
    if (json === null) throw new ApiFailure({ code: 'not_found', message: 'There is no wallet yet: create or import one first.' });
    this.startSession(await this.decrypt(json, password, 'password'));
    return this.status();
  }

  lock(): WalletStatus {
    if (this.session) {
      clearTimeout(this.session.timer);
      this.session = null;
      this.onChange();
    }
    return this.status();
  }

  /** The keystore file's text, for the user to keep elsewhere (still encrypted with their password). */
  exportKeystore(): string {
    const json = this.readKeystore();
    if (json === null) throw new ApiFailure({ code: 'not_found', message: 'There is no wallet to export.' });
    return json;
  }

  /** The unlocked signer (each use keeps the session alive); a clear error when locked. */
  signer(provider?: Provider): Wallet | HDNodeWallet {
    if (!this.session) throw new ApiFailure({ code: 'unavailable', message: 'The wallet is locked: unlock it with your password first.' });
    this.touch();
    return provider ? this.session.wallet.connect(provider) : this.session.wallet;
  }

  /** Forgets the key and the drafts; never reads the keystore (which may be the very thing that is damaged). */
  close(): void {
    if (this.session) clearTimeout(this.session.timer);
    this.session = null;
    this.drafts.clear();
  }

  private touch(): void {
    if (!this.session) return;
    clearTimeout(this.session.timer);
    this.session.locksAt = this.now() + this.autoLockMs;
    this.session.timer = setTimeout(() => this.lock(), this.autoLockMs);
    this.session.timer.unref();
  }

  private startSession(wallet: Wallet | HDNodeWallet): void {
    if (this.session) clearTimeout(this.session.timer);
    const timer = setTimeout(() => this.lock(), this.autoLockMs);
    timer.unref();
    this.session = { wallet, timer, locksAt: this.now() + this.autoLockMs };
    this.onChange();
  }

  private async decrypt(json: string, password: string, field: string): Promise<Wallet | HDNodeWallet> {
    let account: KeystoreAccount;
    try {
      account = await decryptKeystoreJson(json, password);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/incorrect password/i.test(message)) throw invalid(field, 'is not the password of this keystore');
      throw new ApiFailure({ code: 'invalid_input', field, message: `could not open the keystore: ${message}` });
    }
    return account.mnemonic?.entropy
      ? HDNodeWallet.fromMnemonic(Mnemonic.fromEntropy(account.mnemonic.entropy), account.mnemonic.path ?? undefined)
      : new Wallet(account.privateKey);
  }

  private async save(wallet: Wallet | HDNodeWallet, password: string): Promise<void> {
    const account: KeystoreAccount = { address: wallet.address, privateKey: wallet.privateKey };
    if (wallet instanceof HDNodeWallet && wallet.mnemonic) {
      account.mnemonic = { entropy: wallet.mnemonic.entropy, path: wallet.path ?? undefined, locale: 'en' };
    }
    const json = await encryptKeystoreJson(account, password, { scrypt: { N: this.scryptN } });
    writeFileAtomic(this.file, json);
  }

  /** The keystore text, or null when there is none; a damaged file is an error that names it and touches nothing. */
  private readKeystore(): string | null {
    let json: string;
    try {
      json = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let address: unknown;
    try {
      address = (JSON.parse(json) as { address?: unknown }).address;
    } catch {
      address = undefined;
    }
    if (typeof address !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(address) || !isKeystoreJson(json)) {
      throw new ApiFailure({
        code: 'unavailable',
        message: `The wallet's keystore file ${this.file} is damaged (not a v3 keystore). Nothing was changed: restore the file from a backup or an export, or import your recovery phrase with "replace".`,
      });
    }
    return json;
  }

  private refuseIfExists(): void {
    if (fs.existsSync(this.file)) throw conflict('A wallet already exists here. Export its keystore first, then import with "replace" to swap it.');
  }

  /** Keeps the replaced keystore beside the new one: replacing a wallet never destroys a key. */
  private backupExisting(): void {
    if (!fs.existsSync(this.file)) return;
    fs.copyFileSync(this.file, path.join(path.dirname(this.file), `keystore.replaced-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}.json`));
  }
}
