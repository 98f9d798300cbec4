import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../../paths';

export const CONTRACT_NAMES = ['DatanetRegistry', 'ContributionRegistry', 'ModelRegistry', 'Settlement'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface ContractArtifact {
  contractName: string;
  abi: readonly unknown[];
  bytecode: string;
  deployedBytecode: string;
}

const cache = new Map<string, ContractArtifact>();

/** The compiled contract (ABI and bytecode) that `npm run build:contracts` wrote. */
export function artifact(name: ContractName, dir = path.join(appRoot(), 'resources', 'contracts')): ContractArtifact {
  const file = path.join(dir, `${name}.json`);
  const hit = cache.get(file);
  if (hit) return hit;
  if (!fs.existsSync(file)) throw new Error(`The compiled contract ${file} is missing: run \`npm run build:contracts\` (part of \`npm run build\`).`);
  const loaded = JSON.parse(fs.readFileSync(file, 'utf8')) as ContractArtifact;
  cache.set(file, loaded);
  return loaded;
}
