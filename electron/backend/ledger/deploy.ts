import { ContractFactory, type InterfaceAbi, type Provider, type Signer } from 'ethers';
import type { ContractAddresses } from '../../../shared/api/schemas/settings';
import { artifact, type ContractName } from './artifacts';

export type { ContractAddresses };

async function deployOne(name: ContractName, signer: Signer, args: unknown[] = []): Promise<string> {
  const a = artifact(name);
  const factory = new ContractFactory(a.abi as InterfaceAbi, a.bytecode, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract.getAddress();
}

/** Deploys the app's four contracts (Settlement bound to the ModelRegistry) and returns their addresses. */
export async function deployContracts(signer: Signer): Promise<ContractAddresses> {
  const DatanetRegistry = await deployOne('DatanetRegistry', signer);
  const ContributionRegistry = await deployOne('ContributionRegistry', signer);
  const ModelRegistry = await deployOne('ModelRegistry', signer);
  const Settlement = await deployOne('Settlement', signer, [ModelRegistry]);
  return { DatanetRegistry, ContributionRegistry, ModelRegistry, Settlement };
}

/** Which of `addresses` have no code on the chain (a wrong network, or never deployed there). */
export async function missingCode(provider: Provider, addresses: Partial<ContractAddresses>): Promise<ContractName[]> {
  const missing: ContractName[] = [];
  for (const [name, address] of Object.entries(addresses) as [ContractName, string][]) {
    if ((await provider.getCode(address)) === '0x') missing.push(name);
  }
  return missing;
}
