/**
 * The claim file (`datanet-studio/claims@1`): what whoever settles a fee (Settlement.pay with a
 * shares root) hands the contributors so each can claim their share, and the pure functions that
 * build one from a list of (account, amount) shares. Specified in shared/ledger/README.md.
 *
 * A share's leaf is OpenZeppelin's StandardMerkleTree leaf of (uint256 index, address account,
 * uint256 amount): keccak256(keccak256(abi.encode(index, account, amount))), exactly what
 * Settlement.claim recomputes. The tree is shared/merkle.ts's (OpenZeppelin's shape, commutative
 * pair hash) with leaves in index order, so `StandardMerkleTree.of(values, types, { sortLeaves:
 * false })` gives the same root and proofs (test/unit/claims.test.ts). A verifier needs only the
 * leaf and the proof, so proofs from a sorted OpenZeppelin tree are accepted as well.
 *
 * No ethers here: the renderer and the attribution code may use it without pulling it in.
 */
import { z } from 'zod';
import { keccak256 } from '../keccak';
import { buildTree, fromHex, toHex, verifyProof } from '../merkle';
import type { Hex } from './eip712';

export const CLAIMS_FORMAT = 'datanet-studio/claims@1';

const UINT256_MAX = (1n << 256n) - 1n;
const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex (0x and 64 hex digits)');
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address (0x and 40 hex digits)');
/** A uint256 as a decimal string: JSON numbers lose precision past 2^53, and wei amounts pass it. */
const Uint256 = z
  .string()
  .regex(/^(0|[1-9]\d*)$/, 'must be a whole number of wei written as a decimal string, e.g. "1000000000000000000"')
  .refine((s) => s.length <= 78 && BigInt(s) <= UINT256_MAX, 'must fit in a uint256');
/** Payment ids count from 0; a decimal string, or a JSON number while it is exact. */
const PaymentId = z.union([Uint256, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform((v) => String(v));

export const Claim = z
  .object({
    /** Settlement's payment id (the `paymentId` of its FeePaid event). */
    paymentId: PaymentId,
    /** The share's position in the payment's shares tree. */
    index: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    /** Who the share is paid to. */
    account: Address,
    /** The share in wei. */
    amount: Uint256,
    /** Sibling hashes from the share's leaf up to the payment's shares root. */
    proof: z.array(Hex32).max(256),
  })
  .strict();
export type Claim = z.output<typeof Claim>;

export const ClaimsFile = z
  .object({
    format: z.literal(CLAIMS_FORMAT),
    chainId: z.number().int().positive(),
    /** The Settlement contract the payments were made to. */
    settlement: Address,
    claims: z.array(Claim).min(1, 'must hold at least one claim'),
  })
  .strict();
export type ClaimsFile = z.output<typeof ClaimsFile>;

/** One share to pay: an account and its amount in wei. */
export interface Share {
  account: string;
  amount: bigint | string;
}

export interface SharesTree {
  /** What Settlement.pay takes as `sharesRoot`. */
  root: Hex;
  /** Each share with its index (its position in the list given) and its proof. */
  claims: { index: number; account: Hex; amount: string; proof: Hex[] }[];
  /** The sum of the amounts: the payment's contributors' part must be at least this. */
  total: bigint;
}

function word(value: bigint): Uint8Array {
  if (value < 0n || value > UINT256_MAX) throw new RangeError(`${value} does not fit in a uint256.`);
  return fromHex(value.toString(16).padStart(64, '0'));
}

/** keccak256(keccak256(abi.encode(uint256 index, address account, uint256 amount))): Settlement.claim's leaf. */
export function shareLeaf(index: number | bigint, account: string, amount: bigint | string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(account)) throw new Error(`Not an address: ${account}`);
  const encoded = new Uint8Array(96);
  encoded.set(word(BigInt(index)), 0);
  encoded.set(fromHex(account), 44); // an address is right-aligned in its 32-byte word
  encoded.set(word(BigInt(amount)), 64);
  return keccak256(keccak256(encoded));
}

/**
 * The shares tree of a payment: index i is the i-th share given. Accounts may repeat (each entry
 * is its own claim); amounts of zero are refused, since a share of nothing only costs its claimer gas.
 */
export function buildSharesTree(shares: readonly Share[]): SharesTree {
  if (shares.length === 0) throw new Error('A shares tree needs at least one share.');
  const claims = shares.map((s, index) => {
    const amount = BigInt(s.amount);
    if (amount <= 0n) throw new RangeError(`Share ${index} (${s.account}) is ${amount} wei; every share must be more than zero.`);
    return { index, account: s.account.toLowerCase() as Hex, amount: amount.toString(), proof: [] as Hex[] };
  });
  const tree = buildTree(claims.map((c) => shareLeaf(c.index, c.account, c.amount)));
  for (const c of claims) c.proof = tree.proof(c.index).map((p) => toHex(p) as Hex);
  return { root: toHex(tree.root) as Hex, claims, total: claims.reduce((sum, c) => sum + BigInt(c.amount), 0n) };
}

/**
 * The claim file for payments already made: each payment's id (from its FeePaid event) with the
 * tree whose root it was paid with. `onlyAccount` keeps one contributor's claims (a smaller file to
 * hand that contributor); the default keeps everyone's.
 */
export function claimsFile(input: { chainId: number; settlement: string; payments: readonly { paymentId: bigint | number | string; tree: SharesTree }[]; onlyAccount?: string }): ClaimsFile {
  const only = input.onlyAccount?.toLowerCase();
  const claims = input.payments.flatMap(({ paymentId, tree }) =>
    tree.claims.filter((c) => only === undefined || c.account === only).map((c) => ({ paymentId: String(paymentId), ...c })),
  );
  return ClaimsFile.parse({ format: CLAIMS_FORMAT, chainId: input.chainId, settlement: input.settlement, claims });
}

/** Whether a claim's proof leads from its leaf to `root` (what Settlement.claim checks before paying). */
export function claimLeadsTo(claim: Pick<Claim, 'index' | 'account' | 'amount' | 'proof'>, root: string): boolean {
  return verifyProof(shareLeaf(claim.index, claim.account, claim.amount), claim.proof.map(fromHex), fromHex(root));
}

/** Parses a claim file's text; the error names the first problem and where it is. */
export function parseClaimsFile(json: string): ClaimsFile {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format !== CLAIMS_FORMAT) {
    const got = (value as { format?: unknown }).format;
    throw new Error(`is not a claim file: its format is ${got === undefined ? 'missing' : JSON.stringify(got)}, expected "${CLAIMS_FORMAT}"`);
  }
  const parsed = ClaimsFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`is not a valid claim file: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
  }
  return parsed.data;
}
