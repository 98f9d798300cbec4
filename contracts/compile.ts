// Compiles Solidity offline with solc-js (the compiler as WebAssembly, shipped in the npm package).
// Imports resolve from the sources given, then from node_modules (OpenZeppelin).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** What the app needs of a compiled contract. */
export interface Artifact {
  contractName: string;
  sourceName: string;
  abi: unknown[];
  /** Creation code, 0x-prefixed. */
  bytecode: string;
  deployedBytecode: string;
  compiler: string;
}

/**
 * Cancun: OpenZeppelin 5's SignatureChecker uses MCOPY. OpenLedger's chain (an OP Stack L2) and
 * anvil run Cancun; a chain that does not will refuse the deployment with a clear error.
 */
export const EVM_VERSION = 'cancun';

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

interface Solc {
  compile(input: string, callbacks: { import: (p: string) => { contents: string } | { error: string } }): string;
  version(): string;
}

function findImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: fs.readFileSync(require.resolve(importPath), 'utf8') };
  } catch {
    return { error: `Cannot find ${importPath} (is it installed under node_modules?)` };
  }
}

/**
 * Compiles `sources` (source name → Solidity text) and returns every contract that has bytecode.
 * Throws with solc's own messages when anything fails to compile; warnings are returned.
 */
export function compile(sources: Record<string, string>): { artifacts: Artifact[]; warnings: string[] } {
  const solc = require('solc') as Solc;
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: EVM_VERSION,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const problems = output.errors ?? [];
  const errors = problems.filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`Solidity compilation failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const artifacts: Artifact[] = [];
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    if (!(sourceName in sources)) continue;
    for (const [contractName, c] of Object.entries(contracts)) {
      if (c.evm.bytecode.object === '') continue; // interfaces and abstract contracts
      artifacts.push({
        contractName,
        sourceName,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
        compiler: `solc ${solc.version()}`,
      });
    }
  }
  return { artifacts, warnings: problems.filter((e) => e.severity === 'warning').map((e) => e.formattedMessage) };
}

/** Every `.sol` file of a folder, keyed by its file name (the source name imports use). */
export function readSources(dir: string): Record<string, string> {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort();
  return Object.fromEntries(names.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}
