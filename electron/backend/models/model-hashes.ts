// The ids a model has on the ledger, from its files' sha-256 (the formulas, and why sha-256, are in
// shared/ledger/training-manifest.ts and shared/ledger/README.md): an adapter's hash from its two
// PEFT files, a base model's id from config.json and its safetensors weights.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../../engine/lora-io/peft-files';
import { adapterHashOf, baseModelIdOf, type TrainingManifest } from '../../../shared/ledger/training-manifest';
import { localView } from './folder-store';
import { weightFiles } from './language-models';

/** path → the file's size, mtime and sha-256: a base model's gigabytes are hashed once, not per manifest. */
const known = new Map<string, { stamp: string; sha256: string }>();

export async function fileSha256(file: string): Promise<string> {
  const stat = fs.statSync(file);
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  const cached = known.get(file);
  if (cached?.stamp === stamp) return cached.sha256;
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  known.set(file, { stamp, sha256 });
  return sha256;
}

/** An adapter folder's ledger id: sha256(sha256(adapter_model.safetensors) ‖ sha256(adapter_config.json)). */
export async function adapterIdentity(dir: string): Promise<TrainingManifest['adapter']> {
  const weightsSha256 = await fileSha256(path.join(dir, ADAPTER_WEIGHTS_FILE));
  const configSha256 = await fileSha256(path.join(dir, ADAPTER_CONFIG_FILE));
  return { hash: await adapterHashOf(weightsSha256, configSha256), weightsSha256, configSha256 };
}

/** A base model folder's ledger id over config.json and its safetensors files (the index of a sharded one is not weights). */
export async function baseModelIdentity(dir: string, source: string | null): Promise<TrainingManifest['baseModel']> {
  const weights = weightFiles(localView(dir)).copy.filter((f) => f.endsWith('.safetensors'));
  const files = [];
  for (const f of ['config.json', ...weights].sort()) files.push({ path: f, sha256: await fileSha256(path.join(dir, f)) });
  return { id: await baseModelIdOf(files), files, source };
}
