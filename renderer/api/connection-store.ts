import type { ConnectionInfo } from './transport';

/** A tiny observable value: replaced, never mutated, so React sees each change. */
export function createConnectionStore(initial: ConnectionInfo) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: (): ConnectionInfo => value,
    set(next: ConnectionInfo): void {
      if (next.state === value.state && next.failures === value.failures && next.epoch === value.epoch) return;
      value = next;
      for (const l of listeners) l();
    },
    subscribe: (listener: () => void): (() => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
