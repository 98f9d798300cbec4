// `studio wallet …`: the wallet from a terminal or a script. The key stays in the backend; a
// password comes from a file or the environment, never from a flag (flags land in shell history
// and in `ps`).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CallInput, CallName, CallOutput } from '../../../shared/api/contract';
import type { Backend } from '../../backend';
import { withBackend } from '../backend';
import { CliError, EXIT_RUNTIME, EXIT_USAGE, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';

export const PASSWORD_ENV = 'STUDIO_WALLET_PASSWORD';
export const PASSWORD_HELP = `file holding the wallet password (or set $${PASSWORD_ENV}); never a plain flag`;

/** A file's text without the one line break editors and `echo` add at the end. */
function readSecretFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw usageError(`${flag} ${file}: ${(error as Error).message}`);
  }
}

/** The wallet password from --password-file or $STUDIO_WALLET_PASSWORD; a usage error when neither is given. */
export function walletPassword(flags: { passwordFile?: string }): string {
  if (flags.passwordFile) return readSecretFile(flags.passwordFile, '--password-file');
  const env = process.env[PASSWORD_ENV];
  if (env) return env;
  throw usageError(`the wallet password is needed: give --password-file FILE or set $${PASSWORD_ENV}`);
}

/**
 * Calls the backend and turns a refusal into a one-line error. Unlike apiCall, a refused value
 * (a wrong password, a bad phrase) is exit 1 here: the command line was right, the secret was not.
 */
export async function ledgerCall<N extends CallName>(backend: Backend, name: N, input: CallInput<N>, usage = false): Promise<CallOutput<N>> {
  const result = await backend.router.call(name, input);
  if (result.ok) return result.value as CallOutput<N>;
  const e = result.error;
  throw new CliError(e.code === 'invalid_input' ? `${e.field} ${e.message}` : e.message, usage && e.code === 'invalid_input' ? EXIT_USAGE : EXIT_RUNTIME);
}

/** Unlocks the wallet for this command; no wallet, a damaged keystore or a wrong password is exit 1. */
export async function unlockWallet(backend: Backend, flags: { passwordFile?: string }): Promise<string> {
  const status = await ledgerCall(backend, 'wallet.status', {});
  if (!status.exists) throw new CliError('There is no wallet in this data folder: run `studio wallet create` or `studio wallet import` first.');
  const password = walletPassword(flags);
  const result = await backend.router.call('wallet.unlock', { password });
  if (!result.ok) {
    const e = result.error;
    const file = path.join(backend.dataDir, 'wallet', 'keystore.json');
    throw new CliError(
      e.code === 'invalid_input' && /not the password/.test(e.message)
        ? `the password does not open the wallet's keystore ${file}: check --password-file or $${PASSWORD_ENV}`
        : e.message,
    );
  }
  return status.address!;
}

function importSource(flags: ImportFlags): CallInput<'wallet.import'>['source'] {
  const given = [flags.mnemonicFile, flags.privateKeyFile, flags.keystore].filter((f) => f !== undefined);
  if (given.length !== 1) throw usageError('give exactly one of --mnemonic-file FILE, --private-key-file FILE or --keystore FILE');
  if (flags.mnemonicFile) return { kind: 'mnemonic', phrase: readSecretFile(flags.mnemonicFile, '--mnemonic-file').trim() };
  if (flags.privateKeyFile) return { kind: 'privateKey', privateKey: readSecretFile(flags.privateKeyFile, '--private-key-file').trim() };
  const json = readSecretFile(flags.keystore!, '--keystore');
  // A keystore from elsewhere has its own password; without a file for it, the wallet password is tried.
  const keystorePassword = flags.keystorePasswordFile ? readSecretFile(flags.keystorePasswordFile, '--keystore-password-file') : walletPassword(flags);
  return { kind: 'keystore', json, keystorePassword };
}

interface ImportFlags {
  mnemonicFile?: string;
  privateKeyFile?: string;
  keystore?: string;
  keystorePasswordFile?: string;
  passwordFile?: string;
  replace?: boolean;
}

const PHRASE_WARNING =
  'Write these words down, in order, and keep them offline. They are the only way to recover this wallet: anyone who has them controls it, and they are never shown again.';

export function registerWalletCommands(program: Command): void {
  const wallet = program.command('wallet').description('the wallet that signs your contributions (keystore v3, encrypted with your password)');

  wallet
    .command('create')
    .description(
      'create a wallet: prints its 12-word recovery phrase once and saves the encrypted keystore. ' +
        'In the app you type three of the words back; a scripted create has nobody to do that, so this command confirms them itself: the phrase is yours to keep from this output.',
    )
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (flags: { passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const password = walletPassword(flags); // before a phrase exists: a missing password leaves nothing behind
      const { draft, status } = await withBackend(globals, async (b) => {
        const draft = await ledgerCall(b, 'wallet.create', {});
        const phrase = draft.mnemonic.split(' ');
        const words = Object.fromEntries(draft.confirmIndices.map((i) => [String(i), phrase[i]!]));
        return { draft, status: await ledgerCall(b, 'wallet.confirm', { draftId: draft.draftId, words, password }, true) };
      });
      if (globals.json) printJson({ address: status.address, mnemonic: draft.mnemonic, warning: PHRASE_WARNING });
      else {
        process.stderr.write(`${PHRASE_WARNING}\n`);
        process.stdout.write(`Recovery phrase: ${draft.mnemonic}\nCreated wallet ${status.address}.\n`);
      }
    });

  wallet
    .command('import')
    .description('import a wallet from a recovery phrase, a private key or a keystore file (MetaMask, geth)')
    .option('--mnemonic-file <file>', 'file holding the 12 or 24 words')
    .option('--private-key-file <file>', 'file holding the private key (64 hex digits)')
    .option('--keystore <file>', 'a keystore JSON v3 file')
    .option('--keystore-password-file <file>', "file holding the keystore's own password (default: the wallet password)")
    .option('--password-file <file>', `${PASSWORD_HELP}; encrypts the imported key`)
    .option('--replace', 'swap out the wallet that is here (its keystore is kept beside the new one)')
    .action(async (flags: ImportFlags, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const source = importSource(flags);
      const password = walletPassword(flags);
      const status = await withBackend(globals, (b) => ledgerCall(b, 'wallet.import', { source, password, replace: flags.replace ?? false }));
      if (globals.json) printJson(status);
      else process.stdout.write(`Imported wallet ${status.address}.\n`);
    });

  wallet
    .command('address')
    .description("the wallet's address (no password needed)")
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const status = await withBackend(globals, (b) => ledgerCall(b, 'wallet.status', {}));
      if (!status.address) throw new CliError('There is no wallet in this data folder: run `studio wallet create` or `studio wallet import` first.');
      if (globals.json) printJson({ address: status.address });
      else process.stdout.write(`${status.address}\n`);
    });

  wallet
    .command('balance')
    .description("the wallet's balance on the configured network (starts the devnet if it is the network and not running)")
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const balance = await withBackend(globals, (b) => ledgerCall(b, 'wallet.balance', {}));
      if (globals.json) printJson(balance);
      else process.stdout.write(`${balance.formatted} ETH  ${balance.address}\n`);
    });

  wallet
    .command('export')
    .description('the encrypted keystore file (JSON v3, still under your password), to keep elsewhere')
    .option('--out <file>', 'write it to this file (refuses to overwrite); default: stdout')
    .action(async (flags: { out?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const exported = await withBackend(globals, (b) => ledgerCall(b, 'wallet.export', {}));
      if (!flags.out) {
        if (globals.json) printJson(exported);
        else process.stdout.write(`${exported.keystore}\n`);
        return;
      }
      try {
        fs.writeFileSync(flags.out, exported.keystore, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        throw new CliError(`--out ${flags.out}: ${(error as Error).message}`);
      }
      if (globals.json) printJson({ file: path.resolve(flags.out), fileName: exported.fileName });
      else process.stdout.write(`Wrote the keystore to ${flags.out}.\n`);
    });

  wallet
    .command('fund')
    .description("devnet faucet: send the wallet native tokens from anvil's development account")
    .option('--eth <amount>', 'how much', '10')
    .action(async (flags: { eth: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const funded = await withBackend(globals, (b) => ledgerCall(b, 'wallet.fund', { eth: flags.eth }, true));
      if (globals.json) printJson(funded);
      else process.stdout.write(`Sent ${flags.eth} ETH (tx ${funded.txHash}); the balance is ${funded.balance} ETH.\n`);
    });
}
