import { useCallback, useEffect, useEffectEvent, useState, useSyncExternalStore } from 'react';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../shared/api';
// errors.ts directly: the api index also pulls in the zod schemas, which the renderer never runs.
import { ApiFailure } from '../../shared/api/errors';
import { useApi } from './context';
import type { ConnectionInfo } from './transport';

/** Anything thrown at a view becomes an ApiFailure, so it can always show `message` (and `ref`). */
export function toFailure(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  console.error(err);
  return new ApiFailure({ code: 'unavailable', message: err instanceof Error ? err.message : String(err) });
}

export function useConnection(): ConnectionInfo {
  const { connection } = useApi();
  return useSyncExternalStore(connection.subscribe, connection.get);
}

export interface CallState<T> {
  /** The last value that arrived; kept while reloading so the view doesn't flash empty. */
  data: T | undefined;
  error: ApiFailure | null;
  loading: boolean;
  // Function-valued properties (stable across renders), so they can be passed on unbound.
  reload: () => void;
  /** Replace the value locally, e.g. with an event's payload or a mutation's result. */
  setData: (update: T | ((prev: T | undefined) => T | undefined)) => void;
}

/**
 * Calls `name` on mount, when `input` changes (compared as JSON), on reload(), and when the
 * connection comes back after it was lost.
 */
export function useCall<N extends CallName>(name: N, input: CallInput<N>): CallState<CallOutput<N>> {
  type T = CallOutput<N>;
  const client = useApi();
  const { epoch } = useConnection();
  const inputKey = JSON.stringify(input);
  const [nonce, setNonce] = useState(0);
  const requestKey = `${name}\n${inputKey}\n${epoch}\n${nonce}`;
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: ApiFailure | null }>({
    key: null,
    data: undefined,
    error: null,
  });

  useEffect(() => {
    let current = true;
    client.call(name, JSON.parse(inputKey) as CallInput<N>).then(
      (data) => current && setState({ key: requestKey, data, error: null }),
      (err: unknown) => current && setState((s) => ({ key: requestKey, data: s.data, error: toFailure(err) })),
    );
    return () => {
      current = false;
    };
  }, [client, name, inputKey, requestKey]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const setData = useCallback((update: T | ((prev: T | undefined) => T | undefined)) => {
    setState((s) => {
      const data = typeof update === 'function' ? update(s.data) : update;
      // A fresh value supersedes an earlier failure; "nothing to merge into" changes nothing.
      return data === undefined ? s : { ...s, data, error: null };
    });
  }, []);

  return { data: state.data, error: state.error, loading: state.key !== requestKey, reload, setData };
}

/** Listen to a backend event for as long as the component is mounted; `listener` may change freely. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const client = useApi();
  const onEvent = useEffectEvent(listener);
  useEffect(() => client.on(event, (payload) => onEvent(payload)), [client, event]);
}

export interface ActionState<N extends CallName> {
  /** Resolves to the output, or to undefined when the call failed (then `error` says why). */
  run: (input: CallInput<N>) => Promise<CallOutput<N> | undefined>;
  pending: boolean;
  data: CallOutput<N> | undefined;
  error: ApiFailure | null;
  reset: () => void;
}

/** A call the user triggers (a button, a form), as opposed to data a view loads. */
export function useAction<N extends CallName>(name: N): ActionState<N> {
  const client = useApi();
  const [pending, setPending] = useState(false);
  const [data, setData] = useState<CallOutput<N> | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | null>(null);

  const run = useCallback(
    async (input: CallInput<N>) => {
      setPending(true);
      setError(null);
      try {
        const out = await client.call(name, input);
        setData(() => out);
        return out;
      } catch (err) {
        setError(toFailure(err));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [client, name],
  );
  const reset = useCallback(() => {
    setData(undefined);
    setError(null);
  }, []);

  return { run, pending, data, error, reset };
}
