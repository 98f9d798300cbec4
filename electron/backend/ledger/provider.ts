import { FetchRequest, JsonRpcProvider } from 'ethers';

/**
 * How long one JSON-RPC request may take. ethers waits 5 minutes by default, so a node that
 * accepts the connection and never answers held a sync pass (and Check connection, and Verify)
 * for that long, and a network chosen again in Settings waited behind it.
 */
export const RPC_TIMEOUT_MS = 15_000;

/**
 * A JSON-RPC provider for a chain whose id is known: ethers never probes the network (a probe of a
 * node that is down retries every second until the provider is destroyed), and keeps no response
 * cache (transactions sent back to back must each read the fresh nonce).
 */
export function providerFor(rpcUrl: string, chainId: number, pollingIntervalMs = 500, timeoutMs = RPC_TIMEOUT_MS): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = timeoutMs;
  return new JsonRpcProvider(request, chainId, { staticNetwork: true, pollingInterval: pollingIntervalMs, cacheTimeout: -1 });
}
