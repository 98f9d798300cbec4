import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../shared/api';
// errors.ts directly: the api index also pulls in the zod schemas, which the renderer never runs.
import { ApiFailure, isApiResult } from '../../shared/api/errors';
import type { Connection, Transport } from './transport';

export interface ApiClient {
  /** Resolves to the call's output; rejects with an ApiFailure, never with anything else. */
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  /** Returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  readonly connection: Connection;
}

export function createClient(transport: Transport): ApiClient {
  return {
    async call(name, input) {
      let reply: unknown;
      try {
        reply = await transport.call(name, input);
      } catch (err) {
        if (err instanceof ApiFailure) throw err;
        console.error(`Transport failed on ${name}`, err);
        throw new ApiFailure({ code: 'unavailable', message: 'Could not reach the Datanet Studio backend' });
      }
      if (!isApiResult(reply)) {
        console.error(`Unreadable reply to ${name}`, reply);
        throw new ApiFailure({ code: 'unavailable', message: `The backend sent a reply to ${name} that this window cannot read` });
      }
      if (!reply.ok) throw new ApiFailure(reply.error);
      // The backend's router built this value from the same contract; the type is the contract's.
      return reply.value as CallOutput<typeof name>;
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
    connection: transport.connection,
  };
}
