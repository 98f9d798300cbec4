import type { EventName, EventPayload } from '../../shared/api/contract';

export type AnyEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** The backend's one event stream; each transport subscribes and forwards to its windows. */
export interface EventBus {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  subscribe(listener: AnyEventListener): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<AnyEventListener>();
  return {
    emit(name, payload) {
      for (const listener of listeners) {
        // A closed socket must not stop the other windows from hearing the event.
        try {
          listener(name, payload);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
