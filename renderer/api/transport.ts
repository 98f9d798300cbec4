/**
 * What a transport must do: deliver a call and hand back whatever the backend answered (the
 * client checks its shape), deliver events, and say whether it is connected.
 */

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionInfo {
  readonly state: ConnectionState;
  /** Failed attempts since the connection was last open; 0 while the first attempt runs. */
  readonly failures: number;
  /**
   * Bumped each time the connection opens again after it was lost or never came up, so views
   * can re-fetch what they may have missed (events are not replayed).
   */
  readonly epoch: number;
}

export interface Connection {
  // Function-valued properties, not methods: views pass them around unbound.
  /** The same object until something changes (safe for useSyncExternalStore). */
  readonly get: () => ConnectionInfo;
  readonly subscribe: (listener: () => void) => () => void;
  /** Skip the backoff wait and try to connect now; does nothing while connected. */
  readonly retryNow: () => void;
}

export interface Transport {
  /** Resolves to the backend's raw reply; rejects only with an ApiFailure (code 'unavailable'). */
  call(name: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  readonly connection: Connection;
}
