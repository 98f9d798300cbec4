// Checks a contribution bundle: the offline checks (digest, signature, salted root, Merkle proof)
// need nothing but the file; the on-chain checks ask the registry named in the bundle's domain.
import { Contract, verifyTypedData, type InterfaceAbi, type JsonRpcProvider } from 'ethers';
import { ContributionBundle, type BundleCheck, type BundleVerification } from '../../../shared/ledger/bundle';
import { RECORD_TYPES, recordDigest, saltedRoot, type ContributionRecord } from '../../../shared/ledger/contribution-record';
import type { Eip712Domain, Hex } from '../../../shared/ledger/eip712';
import { fromHex, standardLeaf, verifyProof } from '../../../shared/merkle';
import { artifact } from './artifacts';
import { callView } from './contract-call';
import { counted } from '../../../shared/format';

export function parseBundle(json: string, where = 'the bundle'): ContributionBundle {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ContributionBundle.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where} is not a contribution bundle: ${issue.path.join('.') || '(top level)'} ${issue.message}`);
  }
  return parsed.data as ContributionBundle;
}

export async function verifyBundle(bundle: ContributionBundle, provider: JsonRpcProvider | null, confirmations = 1): Promise<BundleVerification> {
  const checks: BundleCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const record: ContributionRecord = bundle.record;
  const domain = bundle.domain as Eip712Domain;

  const digest = recordDigest(record, domain);
  check('digest', digest === bundle.digest, digest === bundle.digest ? `EIP-712 digest ${digest}` : `the record hashes to ${digest}, not ${bundle.digest}`);
  let signer: string;
  try {
    signer = verifyTypedData(domain, RECORD_TYPES, record, bundle.signature);
  } catch (error) {
    signer = `(unreadable: ${(error as Error).message})`;
  }
  const signed = signer.toLowerCase() === record.contributor.toLowerCase();
  check('signature', signed, signed ? `signed by the contributor ${record.contributor}` : `signed by ${signer}, not by the contributor ${record.contributor}`);
  const salted = saltedRoot(bundle.content.unsaltedRoot as Hex, bundle.content.salt as Hex);
  const of = bundle.selection ? 'selection root' : 'version root';
  check('content root', salted === record.contentRoot, salted === record.contentRoot ? `keccak256(${of} ‖ salt) matches the record` : `the salted root is ${salted}, the record says ${record.contentRoot}`);
  if (bundle.selection) {
    const { count, versionRoot } = bundle.selection;
    check('selection', count === record.itemCount, count === record.itemCount ? `${count} records of the version with root ${versionRoot}` : `the bundle says ${count} records were selected, the record says ${record.itemCount}`);
  }

  if (!bundle.batch) {
    check('batch', false, 'the record is not in a batch yet (sync, then export again)');
    return { ok: false, online: false, checks };
  }
  const leaf = standardLeaf(fromHex(digest));
  const inTree = verifyProof(leaf, bundle.batch.proof.map(fromHex), fromHex(bundle.batch.root));
  check('merkle proof', inTree, inTree ? `the record's leaf leads to batch root ${bundle.batch.root}` : 'the proof does not lead from the record to the batch root');

  if (!provider) return { ok: false, online: false, checks };
  try {
    const chainId = Number(await provider.send('eth_chainId', []));
    if (chainId !== domain.chainId) {
      check('chain', false, `the RPC serves chain ${chainId}, the record was signed for chain ${domain.chainId}`);
      return { ok: false, online: true, checks };
    }
    const registry = new Contract(domain.verifyingContract, artifact('ContributionRegistry').abi as InterfaceAbi, provider);
    const onChain = await callView<boolean>(registry, 'verifyRecord', bundle.batch.root, digest, bundle.batch.proof);
    check('anchored', onChain, onChain ? `the registry ${domain.verifyingContract} has the batch and accepts the proof` : `the registry ${domain.verifyingContract} does not hold this batch`);
    if (onChain) {
      const [blockNumber] = await callView<[bigint, bigint, string]>(registry, 'batch', bundle.batch.root);
      const head = await provider.getBlockNumber();
      const depth = head - Number(blockNumber) + 1;
      check('final', depth >= confirmations, `anchored in block ${blockNumber}, ${counted(depth, 'confirmation')} (${confirmations} needed)`);
    }
    return { ok: checks.every((c) => c.ok), online: true, checks };
  } catch (error) {
    check('chain', false, `the chain could not be asked: ${(error as Error).message}`);
    return { ok: false, online: false, checks };
  }
}
