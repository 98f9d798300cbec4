import { JsonRpcProvider } from 'ethers';

/**
 * A JSON-RPC provider for a chain whose id is known: ethers never probes the network (a probe of a
 * node that is down retries every second until the provider is destroyed), and keeps no response
 * cache (transactions sent back to back must each read the fresh nonce).
 */
export function providerFor(rpcUrl: string, chainId: number, pollingIntervalMs = 500): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, pollingInterval: pollingIntervalMs, cacheTimeout: -1 });
}
