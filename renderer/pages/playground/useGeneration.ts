import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallInput } from '../../../shared/api';
import type { GenerateResult } from '../../../shared/api/schemas/inference';
import { toFailure, useApi, useEvent } from '../../api';
import { newId } from './conversations';

export interface Running {
  request: string;
  startedAt: number;
  /** Text pieces streamed so far (about one per token). */
  pieces: number;
  stopping: boolean;
}

type Outcome = { ok: true; result: GenerateResult } | { ok: false; message: string };

/**
 * One generation at a time, streamed: the call names itself, its `inference.delta` events feed
 * `onDelta`, and stop() asks the backend to cancel it (the call then returns what was written);
 * unmounting stops it too.
 */
export function useGeneration() {
  const client = useApi();
  const [running, setRunning] = useState<Running | null>(null);
  const current = useRef<{ request: string; onDelta: (text: string) => void } | null>(null);

  useEvent('inference.delta', (delta) => {
    if (delta.request !== current.current?.request) return;
    current.current.onDelta(delta.text);
    setRunning((r) => (r && r.request === delta.request ? { ...r, pieces: r.pieces + 1 } : r));
  });

  const generate = useCallback(
    async (input: Omit<CallInput<'inference.generate'>, 'request'>, onDelta: (text: string) => void): Promise<Outcome> => {
      const request = newId('gen');
      current.current = { request, onDelta };
      setRunning({ request, startedAt: performance.now(), pieces: 0, stopping: false });
      try {
        return { ok: true, result: await client.call('inference.generate', { ...input, request }) };
      } catch (error) {
        return { ok: false, message: toFailure(error).message };
      } finally {
        current.current = null;
        setRunning(null);
      }
    },
    [client],
  );

  const stop = useCallback(() => {
    const request = current.current?.request;
    if (!request) return;
    setRunning((r) => (r ? { ...r, stopping: true } : r));
    client.call('inference.cancel', { request }).catch((error: unknown) => console.error('Could not stop the generation', error));
  }, [client]);

  // Leaving the page stops the generation: nobody would see the rest, and the backend would go on
  // writing it. The answer so far is kept, marked stopped (usePlaygroundState).
  useEffect(() => () => stop(), [stop]);

  return { running, generate, stop };
}

/** Pieces per second since the start: the live figure until the backend's exact one arrives. */
export function liveRate(running: Running, now = performance.now()): number | null {
  const seconds = (now - running.startedAt) / 1000;
  return running.pieces > 1 && seconds > 0 ? running.pieces / seconds : null;
}
