/**
 * Checks an attribution record file (datanet-studio/attribution@1) without a chain: the signature
 * recovers the record's server, and the file's own checks (hashes, shares root, sum).
 */
import { verifyTypedData } from 'ethers';
import { ATTRIBUTION_TYPES, attributionTypedValue, checkAttributionFile, type AttributionFile, type AttributionRecord, type FileCheck } from '../../../shared/ledger/attribution-record';

export function verifyAttribution(file: AttributionFile): { ok: boolean; online: boolean; checks: FileCheck[] } {
  let signer: string | null = null;
  let problem = '';
  try {
    signer = verifyTypedData(file.domain, ATTRIBUTION_TYPES, attributionTypedValue(file.record as AttributionRecord), file.signature);
  } catch (error) {
    problem = (error as Error).message;
  }
  const signed = signer !== null && signer.toLowerCase() === file.record.server.toLowerCase();
  const checks: FileCheck[] = [
    {
      name: 'signature',
      ok: signed,
      detail: signed
        ? `signed by the server ${signer} for chain ${file.domain.chainId}, Settlement ${file.domain.verifyingContract}`
        : signer
          ? `the signature recovers ${signer}, not the record's server ${file.record.server}: the record or its domain was altered`
          : `the signature does not parse: ${problem}`,
    },
    ...checkAttributionFile(file),
  ];
  return { ok: checks.every((c) => c.ok), online: false, checks };
}
