import { useEffect, useState, type SubmitEvent } from 'react';
import type { InferenceServerStatus } from '../../../shared/api/schemas/inference-server';
import { useAction, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { FieldError } from './FieldError';
import { parsePort } from './server-port';

/**
 * Settings → Inference server: start and stop the local OpenAI-compatible API (the same server as
 * `studio serve-models`), and show its URL and key for other tools on this computer.
 */
export function InferenceServerSection() {
  const status = useCall('inference.server.status', {});
  const { reload } = status;
  const running = status.data?.running === true;
  // The counters move while clients use it, and no event says so: asked again every 1.5 s, so a
  // request sent from a terminal shows here about as soon as its answer arrives there.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, 1500);
    return () => clearInterval(timer);
  }, [running, reload]);
  return (
    <Section
      title="Inference server"
      testId="inference-server-section"
      description={
        <>
          Serve your base models and adapters to other tools on this computer over an OpenAI-compatible API (chat and completions, streamed). An adapter is the model{' '}
          <code>base:adapter</code>; requests for different adapters run together on one loaded base. Only this computer can reach it, and every request needs the key.
        </>
      }
    >
      {status.data ? <ServerControls status={status.data} onChange={status.setData} /> : <CallFallback call={status} what="the inference server's status" />}
    </Section>
  );
}

function ServerControls({ status, onChange }: { status: InferenceServerStatus; onChange: (s: InferenceServerStatus) => void }) {
  const start = useAction('inference.server.start');
  const stop = useAction('inference.server.stop');
  const [port, setPort] = useState('');
  /** The field's own check, made before sending. */
  const [portInvalid, setPortInvalid] = useState<string | null>(null);
  const err = start.error?.error;
  const portError = portInvalid ?? (err?.code === 'invalid_input' ? err : null);

  async function onStart(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const parsed = parsePort(port);
    if ('error' in parsed) {
      start.reset();
      setPortInvalid(parsed.error);
      return;
    }
    const out = await start.run(parsed.port === undefined ? {} : { port: parsed.port });
    if (out) onChange(out);
  }

  if (!status.running) {
    return (
      <form className="form" onSubmit={(e) => void onStart(e)} data-testid="inference-server-form">
        <div className="field">
          <label className="field-label" htmlFor="inference-server-port">
            Port
          </label>
          <span className="field-hint" id="inference-server-port-hint">
            Leave empty for any free port.
          </span>
          <input
            id="inference-server-port"
            className="input mono"
            inputMode="numeric"
            autoComplete="off"
            placeholder="any"
            value={port}
            aria-invalid={portError ? true : undefined}
            aria-describedby={portError ? 'inference-server-port-hint inference-server-port-error' : 'inference-server-port-hint'}
            onChange={(e) => {
              setPort(e.target.value);
              setPortInvalid(null);
            }}
          />
          {portError && <FieldError error={portError} id="inference-server-port-error" />}
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={start.pending} data-testid="inference-server-start">
            {start.pending ? 'Starting…' : 'Start server'}
          </button>
        </div>
        {start.error && !portError && <ErrorMessage error={start.error} context="Could not start the inference server." />}
      </form>
    );
  }

  const rows: [string, string, string][] = [
    ['Base URL', status.url ?? '', 'inference-server-url'],
    ['API key', status.apiKey ?? '', 'inference-server-key'],
    ['Requests', `${status.requests} answered, ${status.completionTokens} tokens generated`, 'inference-server-counters'],
  ];
  return (
    <div className="form">
      <dl className="facts">
        {rows.map(([term, value, testId]) => (
          <div className="facts-row" key={term}>
            <dt>{term}</dt>
            <dd className={term === 'Requests' ? undefined : 'mono selectable'} data-testid={testId}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <div className="command-example">
        <span className="field-hint" id="inference-server-example-label">
          For example, in a terminal:
        </span>
        {/* One argument a line, never wrapped inside one: a key broken across lines gets copied broken. */}
        {/* Focusable: a keyboard can scroll it sideways in a narrow window. */}
        <pre className="command-example-text selectable" tabIndex={0} role="region" aria-labelledby="inference-server-example-label" data-testid="inference-server-example">
          {`curl ${status.url}/models \\\n  -H "Authorization: Bearer ${status.apiKey}"`}
        </pre>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={stop.pending}
          data-testid="inference-server-stop"
          onClick={() => void stop.run({}).then((out) => out && onChange(out))}
        >
          {stop.pending ? 'Stopping…' : 'Stop server'}
        </button>
      </div>
      {stop.error && <ErrorMessage error={stop.error} context="Could not stop the inference server." />}
    </div>
  );
}
