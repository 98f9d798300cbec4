/**
 * The training manifest (`datanet-studio/training-manifest@1`): what an adapter was trained on,
 * as a JSON document whose Merkle root ModelRegistry.register puts on chain. It names the adapter
 * (a hash of its files), the base model (a hash of its config and weights), the datanet version,
 * and the contribution records whose items were trained on, each with its weight. Specified in
 * shared/ledger/README.md ("Training manifests").
 *
 * The tree is shared/merkle.ts's (OpenZeppelin's shape, sorted pairs, leaves not sorted): entry i
 * is leaf i and the header (what the manifest is about, and its totals) is the last leaf, so the
 * root commits to the whole document and a contributor proves their entry with MerkleProof.verify
 * (Settlement, issue 9). Leaves are OpenZeppelin's standard leaves, keccak256(keccak256(abi.encode(…))):
 *
 *   entry  (uint256 index, bytes32 recordId, bytes32 digest, address contributor, uint256 examples, uint256 tokens)
 *   header (bytes32 MANIFEST_TAG, bytes32 adapterHash, bytes32 baseModelId, bytes32 datanetId,
 *           bytes32 versionRoot, uint256 entryCount, uint256 examples, uint256 tokens, uint256 weightSum)
 *
 * Entries encode 6 words and the header 9, so no entry can pass for the header.
 *
 * No ethers and no node: the renderer may use it. Hashing files is the backend's
 * (electron/backend/models/model-hashes.ts); the formulas over those file hashes are here, on
 * WebCrypto's SHA-256.
 */
import { z } from 'zod';
import { keccak256 } from '../keccak';
import { buildTree, fromHex, toHex, verifyProof } from '../merkle';
import { keccakText, type Hex } from './eip712';
import { counted } from '../format';

export const MANIFEST_FORMAT = 'datanet-studio/training-manifest@1';
/** The header leaf's first word: keccak256 of the format's name. */
export const MANIFEST_TAG = toHex(keccakText(MANIFEST_FORMAT)) as Hex;

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'must be 32 bytes of lower-case hex (0x and 64 hex digits)');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha-256 in lower-case hex (64 digits, no 0x)');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address (0x and 40 hex digits)');
const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ManifestEntry = z
  .object({
    /** The contribution record's id (ContributionRecord.recordId). */
    recordId: Hex32,
    /** Its EIP-712 digest: the value its batch leaf is made of (ContributionRegistry.verifyRecord). */
    digest: Hex32,
    contributor: Address,
    /** Training examples (of the train split) from the items the record covers. */
    examples: Count,
    /** The weight: target tokens (tokens the loss was taken on) of those examples. */
    tokens: Count,
    /** Sibling hashes from this entry's leaf to `root`. */
    proof: z.array(Hex32).max(64),
  })
  .strict();
export type ManifestEntry = z.output<typeof ManifestEntry>;

export const TrainingManifest = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    adapter: z
      .object({
        /** sha256(weightsSha256 ‖ configSha256) as bytes32: ModelRegistry's adapterHash. */
        hash: Hex32,
        /** sha-256 of adapter_model.safetensors. */
        weightsSha256: Sha256,
        /** sha-256 of adapter_config.json, byte for byte. */
        configSha256: Sha256,
      })
      .strict(),
    baseModel: z
      .object({
        /** sha-256 of the files' `sha256sum` lines, sorted by path: ModelRegistry's baseModelId. */
        id: Hex32,
        files: z.array(z.object({ path: z.string().min(1), sha256: Sha256 }).strict()).min(2),
        /** Where it came from ("hf:<repo>@<revision>", or the imported folder); informative. */
        source: z.string().nullable(),
      })
      .strict(),
    datanet: z
      .object({
        /** keccak256 of the local id, as contribution records key datanets. */
        id: Hex32,
        localId: z.string().min(1),
        version: z.number().int().positive(),
        localVersionId: z.string().min(1),
        /** The version's Merkle root (its records exactly). */
        versionRoot: Hex32,
      })
      .strict(),
    training: z
      .object({
        /** The schema field trained on (or "$text"). */
        field: z.string(),
        /** The train split: examples and their target tokens. */
        examples: Count,
        tokens: Count,
      })
      .strict(),
    /** The chain the records were signed for and the ModelRegistry the root is registered with. */
    chain: z.object({ chainId: z.number().int().positive(), contributionRegistry: Address, modelRegistry: Address }).strict(),
    /** Sorted by recordId; entry i is leaf i. */
    entries: z.array(ManifestEntry).min(1, 'must list at least one contribution record'),
    /** Σ entries.tokens: what a share of the contributors' part is divided by. */
    weightSum: Count,
    header: z.object({ proof: z.array(Hex32).max(64) }).strict(),
    /** The Merkle root ModelRegistry holds as manifestRoot. */
    root: Hex32,
  })
  .strict();
export type TrainingManifest = z.output<typeof TrainingManifest>;

/** What a manifest is built from: everything but the tree (proofs, root) and the derived sums. */
export interface ManifestInput {
  adapter: TrainingManifest['adapter'];
  baseModel: TrainingManifest['baseModel'];
  datanet: TrainingManifest['datanet'];
  training: TrainingManifest['training'];
  chain: TrainingManifest['chain'];
  entries: readonly Omit<ManifestEntry, 'proof'>[];
}

function word(value: bigint | number): Uint8Array {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << 256n) throw new RangeError(`${value} does not fit in a uint256`);
  return fromHex(v.toString(16).padStart(64, '0'));
}

function bytes32(hex: string): Uint8Array {
  const b = fromHex(hex);
  if (b.length !== 32) throw new Error(`${hex} is not 32 bytes`);
  return b;
}

function address(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  const b = fromHex(hex);
  if (b.length !== 20) throw new Error(`${hex} is not an address`);
  out.set(b, 12); // right-aligned in its word, as abi.encode puts it
  return out;
}

function standardLeafOf(words: readonly Uint8Array[]): Uint8Array {
  const encoded = new Uint8Array(words.length * 32);
  words.forEach((w, i) => encoded.set(w, i * 32));
  return keccak256(keccak256(encoded));
}

/** keccak256(keccak256(abi.encode(index, recordId, digest, contributor, examples, tokens))). */
export function entryLeaf(index: number, entry: Pick<ManifestEntry, 'recordId' | 'digest' | 'contributor' | 'examples' | 'tokens'>): Uint8Array {
  return standardLeafOf([word(index), bytes32(entry.recordId), bytes32(entry.digest), address(entry.contributor), word(entry.examples), word(entry.tokens)]);
}

/** The header's leaf: what the manifest is about and its totals. */
export function headerLeaf(m: Pick<TrainingManifest, 'adapter' | 'baseModel' | 'datanet' | 'training' | 'weightSum'> & { entries: { length: number } }): Uint8Array {
  return standardLeafOf([
    bytes32(MANIFEST_TAG),
    bytes32(m.adapter.hash),
    bytes32(m.baseModel.id),
    bytes32(m.datanet.id),
    bytes32(m.datanet.versionRoot),
    word(m.entries.length),
    word(m.training.examples),
    word(m.training.tokens),
    word(m.weightSum),
  ]);
}

/** Every leaf in tree order: the entries, then the header. */
export function manifestLeaves(m: Pick<TrainingManifest, 'adapter' | 'baseModel' | 'datanet' | 'training' | 'weightSum'> & { entries: readonly Omit<ManifestEntry, 'proof'>[] }): Uint8Array[] {
  return [...m.entries.map((e, i) => entryLeaf(i, e)), headerLeaf(m)];
}

/** The manifest with its tree: entries sorted by record id, proofs, weight sum and root. */
export function buildManifest(input: ManifestInput): TrainingManifest {
  if (input.entries.length === 0) throw new Error('A training manifest needs at least one contribution record.');
  const entries = [...input.entries]
    .map((e) => ({ ...e, recordId: e.recordId.toLowerCase(), digest: e.digest.toLowerCase() }))
    .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  for (let i = 1; i < entries.length; i++) if (entries[i]!.recordId === entries[i - 1]!.recordId) throw new Error(`Record ${entries[i]!.recordId} is listed twice.`);
  const weightSum = entries.reduce((s, e) => s + e.tokens, 0);
  if (!Number.isSafeInteger(weightSum)) throw new RangeError('The entries\u2019 tokens add up past 2^53.');
  const body = { ...input, entries, weightSum };
  const tree = buildTree(manifestLeaves(body));
  const proof = (i: number) => tree.proof(i).map((p) => toHex(p));
  return TrainingManifest.parse({
    format: MANIFEST_FORMAT,
    adapter: input.adapter,
    baseModel: input.baseModel,
    datanet: input.datanet,
    training: input.training,
    chain: input.chain,
    entries: entries.map((e, i) => ({ ...e, proof: proof(i) })),
    weightSum,
    header: { proof: proof(entries.length) },
    root: toHex(tree.root),
  });
}

/** One check of a manifest, as `studio verify` prints it. */
export interface ManifestCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Whether an entry's proof leads from its leaf (at `index`) to `root`: MerkleProof.verify. */
export function entryLeadsTo(index: number, entry: ManifestEntry, root: string): boolean {
  return verifyProof(entryLeaf(index, entry), entry.proof.map(fromHex), fromHex(root));
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}

/** adapterHash = sha256(sha256(adapter_model.safetensors) ‖ sha256(adapter_config.json)), as bytes32 hex. */
export async function adapterHashOf(weightsSha256: string, configSha256: string): Promise<Hex> {
  const buf = new Uint8Array(64);
  buf.set(fromHex(weightsSha256), 0);
  buf.set(fromHex(configSha256), 32);
  return toHex(await sha256(buf)) as Hex;
}

/**
 * baseModelId = sha-256 of the files' lines as `sha256sum` prints them ("<hex>  <path>\n"), sorted
 * by path: in the model's folder, `sha256sum config.json *.safetensors | LC_ALL=C sort -k 2 | sha256sum`.
 */
export async function baseModelIdOf(files: readonly { path: string; sha256: string }[]): Promise<Hex> {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return toHex(await sha256(new TextEncoder().encode(lines))) as Hex;
}

/**
 * The checks that need only the file: the adapter and base model ids follow from the file hashes
 * listed, the tree rebuilt from the entries and header has the manifest's root, every proof leads
 * to it, and the weight sum adds up. The chain's side is the backend's (ModelRegistry.get).
 */
export async function checkManifest(m: TrainingManifest): Promise<ManifestCheck[]> {
  const checks: ManifestCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const adapterHash = await adapterHashOf(m.adapter.weightsSha256, m.adapter.configSha256);
  check('adapter hash', adapterHash === m.adapter.hash, adapterHash === m.adapter.hash ? `sha256(weights ‖ config) = ${adapterHash}` : `the listed file hashes give ${adapterHash}, the manifest says ${m.adapter.hash}`);
  const baseId = await baseModelIdOf(m.baseModel.files);
  check('base model id', baseId === m.baseModel.id, baseId === m.baseModel.id ? `${m.baseModel.files.length} files hash to ${baseId}` : `the listed files give ${baseId}, the manifest says ${m.baseModel.id}`);
  const sum = m.entries.reduce((s, e) => s + e.tokens, 0);
  check('weights', sum === m.weightSum, sum === m.weightSum ? `${counted(m.entries.length, 'record')}, ${sum} tokens of weight in all` : `the entries' tokens add up to ${sum}, the manifest says ${m.weightSum}`);
  const sorted = m.entries.every((e, i) => i === 0 || m.entries[i - 1]!.recordId < e.recordId);
  const root = toHex(buildTree(manifestLeaves(m)).root);
  const same = root === m.root && sorted;
  check('merkle root', same, same ? `the entries and header hash to ${root}` : sorted ? `the entries and header hash to ${root}, not ${m.root}: the manifest was altered` : 'the entries are not in record id order, each once');
  const bad = m.entries.findIndex((e, i) => !entryLeadsTo(i, e, m.root));
  const headerOk = verifyProof(headerLeaf(m), m.header.proof.map(fromHex), fromHex(m.root));
  const proofsOk = bad === -1 && headerOk;
  check('proofs', proofsOk, proofsOk ? `every entry's proof and the header's lead to the root` : bad !== -1 ? `the proof of entry ${bad} (record ${m.entries[bad]!.recordId}) does not lead to the root` : "the header's proof does not lead to the root");
  return checks;
}

/** Parses a manifest's text; the error names the first problem and where it is. */
export function parseManifest(json: string, where = 'the manifest'): TrainingManifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = TrainingManifest.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where} is not a training manifest: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
  }
  return parsed.data;
}

/** Whether a parsed JSON value says it is a manifest (for `studio verify`, which takes bundles too). */
export function isManifestLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === MANIFEST_FORMAT;
}
