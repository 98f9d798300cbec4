// `studio verify FILE`: checks a contribution bundle, a training manifest or an attribution record and prints each check.
// Offline it still runs the checks that need only the file (a bundle's digest, signature, salted
// root and Merkle proof; a manifest's ids, tree and proofs) and says the chain was not asked; exit
// 0 only when every check, the on-chain ones included, holds.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { BundleVerification } from '../../../shared/ledger/bundle';
import { isAttributionLike, parseAttributionFile } from '../../../shared/ledger/attribution-record';
import { isManifestLike, parseManifest } from '../../../shared/ledger/training-manifest';
import { verifyAttribution } from '../../backend/attribution/records-verify';
import { providerFor } from '../../backend/ledger/provider';
import { parseBundle, verifyBundle } from '../../backend/ledger/verify';
import { verifyManifest } from '../../backend/models/manifest-verify';
import { withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { ledgerCall } from './wallet';

const ON_CHAIN = new Set(['anchored', 'final', 'chain', 'registered', 'manifest root', 'base model']);

/** A training manifest (datanet-studio/training-manifest@1): against --rpc, else the data folder's network. */
async function verifyManifestFile(text: string, file: string, flags: { rpc?: string; adapter?: string }, globals: ReturnType<typeof globalOptions>): Promise<BundleVerification> {
  let manifest;
  try {
    manifest = parseManifest(text, file);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (flags.adapter !== undefined && !fs.statSync(flags.adapter, { throwIfNoEntry: false })?.isDirectory()) throw usageError(`--adapter ${flags.adapter}: not a folder (give the adapter's PEFT folder)`);
  if (flags.rpc) {
    const provider = providerFor(flags.rpc, manifest.chain.chainId);
    try {
      const reachable = await provider.send('eth_chainId', []).then(
        () => true,
        () => false,
      );
      return await verifyManifest(manifest, reachable ? provider : null, flags.adapter);
    } finally {
      provider.destroy();
    }
  }
  return withBackend(globals, async (b) => {
    const status = await ledgerCall(b, 'ledger.status', {});
    if (status.network.kind === 'devnet' && !status.devnet.running) return verifyManifest(manifest, null, flags.adapter);
    const c = await b.ledger.connect().catch(() => null);
    try {
      return await verifyManifest(manifest, c?.provider ?? null, flags.adapter);
    } finally {
      c?.provider.destroy();
    }
  });
}

function isAttributionText(text: string): boolean {
  try {
    return isAttributionLike(JSON.parse(text));
  } catch {
    return false;
  }
}

/** An attribution record: its signature, hashes, shares root and sum, all from the file alone. */
function verifyAttributionFile(text: string, file: string, json: boolean): void {
  let parsed;
  try {
    parsed = parseAttributionFile(text);
  } catch (error) {
    throw new CliError(`${file} ${(error as Error).message}`);
  }
  const result = verifyAttribution(parsed);
  if (json) printJson(result);
  else process.stdout.write(result.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`).join('\n') + '\n');
  if (!result.ok) throw new CliError(`the attribution record does not verify: ${result.checks.filter((c) => !c.ok).map((c) => c.name).join(', ')} failed`);
}

function isManifestText(text: string): boolean {
  try {
    return isManifestLike(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Against an RPC the user names: no data folder needed (a third party verifying a bundle). */
async function againstRpc(bundleText: string, file: string, rpcUrl: string, confirmations: number): Promise<BundleVerification> {
  const bundle = parseOrFail(bundleText, file);
  const provider = providerFor(rpcUrl, bundle.domain.chainId);
  try {
    const reachable = await provider.send('eth_chainId', []).then(
      () => true,
      () => false,
    );
    return await verifyBundle(bundle, reachable ? provider : null, confirmations);
  } finally {
    provider.destroy();
  }
}

function parseOrFail(text: string, file: string) {
  try {
    return parseBundle(text, file);
  } catch (error) {
    // A file that is not a bundle any more (tampered, truncated) fails verification: exit 1.
    throw new CliError((error as Error).message);
  }
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <file>')
    .description(
      'check an attribution record (signature, query and output hashes, shares root and sum), a contribution bundle (digest, signature, salted content root, Merkle proof, and its anchor on chain) or a training manifest (adapter and base model ids, Merkle tree and proofs, and its root registered for the adapter on chain)',
    )
    .option('--rpc <url>', "ask this JSON-RPC node (default: the data folder's configured network; the devnet is not started for this)")
    .option('--confirmations <n>', 'bundles: blocks needed on top of the anchor (default: the network profile, 2 on the devnet, 12 elsewhere)')
    .option('--adapter <folder>', "manifests: also check that this PEFT folder's files are the adapter the manifest names")
    .action(async (file: string, flags: { rpc?: string; confirmations?: string; adapter?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw usageError(`${file}: ${(error as Error).message}`);
      }
      if (isAttributionText(text)) {
        verifyAttributionFile(text, file, globals.json);
        return;
      }
      const depth = flags.confirmations === undefined ? undefined : Number(flags.confirmations);
      if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1)) throw usageError(`--confirmations ${flags.confirmations}: must be a whole number from 1`);
      const manifest = isManifestText(text);
      if (flags.adapter !== undefined && !manifest) throw usageError('--adapter is for training manifests; this file is not one');
      let result: BundleVerification;
      if (manifest) result = await verifyManifestFile(text, file, flags, globals);
      else if (flags.rpc) result = await againstRpc(text, file, flags.rpc, depth ?? 1);
      else {
        result = await withBackend(globals, async (b) => {
          const bundle = parseOrFail(text, file);
          const status = await ledgerCall(b, 'ledger.status', {});
          if (status.network.kind === 'devnet' && !status.devnet.running) return verifyBundle(bundle, null);
          if (depth === undefined) return b.ledger.verify(bundle);
          const c = await b.ledger.connect().catch(() => null);
          try {
            return await verifyBundle(bundle, c?.provider ?? null, depth);
          } finally {
            c?.provider.destroy();
          }
        });
      }
      if (globals.json) printJson(result);
      else {
        const lines = result.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
        if (!result.online && !result.checks.some((c) => ON_CHAIN.has(c.name)) && result.checks.every((c) => c.name !== 'batch')) {
          lines.push(`✗ chain: not reachable, so the ${manifest ? 'registration' : 'anchor'} was not checked (start the devnet with \`studio devnet start\`, or give --rpc URL)`);
        }
        process.stdout.write(lines.join('\n') + '\n');
      }
      if (!result.ok) {
        const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
        const what = manifest ? 'manifest' : 'bundle';
        throw new CliError(failed.length ? `the ${what} does not verify: ${failed.join(', ')} failed` : 'the chain was not reachable: only the offline checks ran, and they hold');
      }
    });
}
