import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import type { Adapter, LanguageModel } from '../../shared/api/schemas/models';
import { useCall } from '../api';
import { CallFallback } from '../components/CallFallback';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EmptyState } from '../components/EmptyState';
import { PlaygroundIcon } from '../components/icons';
import { Page } from '../components/Page';
import { useHashRoute } from '../hooks/useHashRoute';
import { pageHref } from '../route';
import { ChatView } from './playground/ChatView';
import { CompletionView } from './playground/CompletionView';
import { ConversationList } from './playground/ConversationList';
import { historyOf, newConversation, newId, samplingInput, titleFrom, type Conversation, type GenerationStats, type Message } from './playground/conversations';
import { SamplingPanel } from './playground/SamplingPanel';
import { useGeneration } from './playground/useGeneration';
import { usePlaygroundState } from './playground/usePlaygroundState';
import './playground/playground.css';

/** `#/playground`, or `#/playground/<model>/<adapter>` to start with that adapter. */
// The return type is spelled out: routes.ts lists this page, and this page reads the route.
export function PlaygroundPage(): ReactNode {
  const models = useCall('models.list', {});
  const adapters = useCall('adapters.list', {});
  return (
    <Page id="playground" title="Playground" lead="Chat with a base model and any of its adapters, or let it continue a text. Everything runs on this computer.">
      {models.data && adapters.data ? (
        models.data.length === 0 ? (
          <EmptyState icon={PlaygroundIcon} heading="No model to talk to yet">
            <p>
              Import a base model on the <a href={pageHref('models')}>Models</a> page, or train an adapter on the <a href={pageHref('train')}>Train</a> page.
            </p>
          </EmptyState>
        ) : (
          <Playground models={models.data} adapters={adapters.data} />
        )
      ) : (
        <CallFallback call={models.data ? adapters : models} what="the models" />
      )}
    </Page>
  );
}

function Playground({ models, adapters }: { models: LanguageModel[]; adapters: Adapter[] }) {
  const { state, setState, update, add, remove } = usePlaygroundState();
  const { running, generate, stop } = useGeneration();
  const { params } = useHashRoute();
  const [deleting, setDeleting] = useState(false);
  const [announce, setAnnounce] = useState('');
  const registrations = useCall('models.registrations', {});
  const registered = useMemo(
    () => (registrations.data ? new Map(registrations.data.registrations.map((r) => [r.adapter, adapters.find((a) => a.name === r.adapter)?.attributionMethod ?? 'spans'] as const)) : null),
    [registrations.data, adapters],
  );
  const active = state.conversations.find((c) => c.id === state.activeId) ?? state.conversations[0] ?? null;

  // A link from Models or Train names a model and adapter: open a chat with them (reusing an empty one).
  const [wantModel, wantAdapter] = params;
  useEffect(() => {
    if (!wantModel || !models.some((m) => m.name === wantModel)) return;
    const adapter = wantAdapter && adapters.some((a) => a.name === wantAdapter && a.base === wantModel) ? wantAdapter : null;
    const empty = state.conversations.find((c) => c.mode === 'chat' && c.messages.length === 0);
    if (empty) {
      update(empty.id, (c) => ({ ...c, model: wantModel, adapter }));
      setState((s) => ({ ...s, activeId: empty.id }));
    } else add(newConversation('chat', wantModel, adapter));
    // Once per link: the route is cleared so coming back does not open another chat.
    history.replaceState(null, '', pageHref('playground'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wantModel, wantAdapter]);

  // The first visit: a chat with the first model, ready to type into.
  useEffect(() => {
    if (state.conversations.length === 0 && !wantModel) add(newConversation('chat', models[0]!.name, null));
  }, [state.conversations.length, wantModel, models, add]);

  // Escape stops a generation wherever the focus is (outside dialogs).
  useEffect(() => {
    if (!running) return;
    function onKey(e: KeyboardEvent): void {
      if (e.key !== 'Escape' || (e.target as HTMLElement | null)?.closest('dialog[open]')) return;
      e.preventDefault();
      stop();
    }
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [running, stop]);

  if (!active) return null;
  const model = models.find((m) => m.name === active.model);
  const blocked = model ? null : `${active.model} is not installed any more: choose another model above.`;
  const setMessage = (id: string, change: (m: Message) => Message) => update(active.id, (c) => ({ ...c, messages: c.messages.map((m) => (m.id === id ? change(m) : m)) }));
  const statsOf = (r: { tokens: number; tokensPerSecond: number; finishReason: GenerationStats['finishReason']; turnsLeftOut?: number | undefined }): GenerationStats => ({
    tokens: r.tokens,
    tokensPerSecond: r.tokensPerSecond,
    finishReason: r.finishReason,
    ...(r.turnsLeftOut ? { turnsLeftOut: r.turnsLeftOut } : {}),
  });
  const target = { model: active.model, ...(active.adapter ? { adapter: active.adapter } : {}) };

  async function send(conversation: Conversation, text: string): Promise<void> {
    const answer: Message = { id: newId('m'), role: 'assistant', content: '', model: conversation.model, adapter: conversation.adapter };
    const history = model?.chat ? historyOf(conversation.messages) : [];
    update(conversation.id, (c) => ({
      ...c,
      title: c.messages.length === 0 ? titleFrom(text) : c.title,
      messages: [...c.messages, { id: newId('m'), role: 'user', content: text }, answer],
    }));
    setAnnounce('');
    const outcome = await generate(
      { ...target, prompt: text, format: 'instruction', ...(conversation.system.trim() ? { system: conversation.system.trim() } : {}), ...(model?.chat ? { history } : {}), ...samplingInput(state.sampling) },
      (delta) => setMessage(answer.id, (m) => ({ ...m, content: m.content + delta })),
    );
    if (outcome.ok) {
      setMessage(answer.id, (m) => ({ ...m, content: outcome.result.text, stats: statsOf(outcome.result) }));
      setAnnounce(`Answer ${outcome.result.finishReason === 'cancelled' ? 'stopped' : 'finished'}: ${outcome.result.tokens} tokens.`);
    } else {
      setMessage(answer.id, (m) => ({ ...m, error: outcome.message }));
      setAnnounce(`The answer failed: ${outcome.message}`);
    }
  }

  async function complete(conversation: Conversation): Promise<void> {
    const prompt = conversation.text;
    update(conversation.id, (c) => ({ ...c, title: c.title === 'New completion' ? titleFrom(prompt) : c.title, stats: undefined }));
    setAnnounce('');
    const outcome = await generate({ ...target, prompt, format: 'raw', ...samplingInput(state.sampling) }, (delta) => update(conversation.id, (c) => ({ ...c, text: c.text + delta })));
    if (outcome.ok) {
      update(conversation.id, (c) => ({ ...c, text: prompt + outcome.result.text, stats: statsOf(outcome.result) }));
      setAnnounce(`Completion ${outcome.result.finishReason === 'cancelled' ? 'stopped' : 'finished'}: ${outcome.result.tokens} tokens.`);
    } else {
      update(conversation.id, (c) => ({ ...c, text: prompt }));
      setAnnounce(`The completion failed: ${outcome.message}`);
    }
  }

  return (
    <div className="pg" data-testid="playground">
      <ConversationList
        conversations={state.conversations}
        activeId={active.id}
        disabled={running !== null}
        onSelect={(id) => setState((s) => ({ ...s, activeId: id }))}
        onNew={(mode) => add(newConversation(mode, active.model && model ? active.model : models[0]!.name, model ? active.adapter : null))}
      />
      <div className="pg-main">
        <ModelPicker
          conversation={active}
          models={models}
          adapters={adapters}
          disabled={running !== null}
          onChange={(m, a) => update(active.id, (c) => ({ ...c, model: m, adapter: a }))}
          onDelete={() => setDeleting(true)}
        />
        {active.mode === 'chat' ? (
          <ChatView
            conversation={active}
            multiTurn={model?.chat ?? false}
            running={running}
            blocked={blocked}
            registered={registered}
            onSend={(text) => void send(active, text)}
            onStop={stop}
            onSystem={(system) => update(active.id, (c) => ({ ...c, system }))}
          />
        ) : (
          <CompletionView
            conversation={active}
            running={running}
            blocked={blocked}
            onText={(text) => update(active.id, (c) => ({ ...c, text }))}
            onGenerate={() => void complete(active)}
            onStop={stop}
          />
        )}
        <p className="visually-hidden" role="status" data-testid="pg-announce">
          {announce}
        </p>
        <SamplingPanel sampling={state.sampling} disabled={running !== null} onChange={(sampling) => setState((s) => ({ ...s, sampling }))} />
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete “${active.title}”?`}
        confirmLabel="Delete conversation"
        onConfirm={() => {
          remove(active.id);
          setDeleting(false);
        }}
        onClose={() => setDeleting(false)}
        testId="pg-delete-dialog"
      >
        <p>It is removed from this computer&apos;s local storage.</p>
      </ConfirmDialog>
    </div>
  );
}

interface ModelPickerProps {
  conversation: Conversation;
  models: LanguageModel[];
  adapters: Adapter[];
  disabled: boolean;
  onChange: (model: string, adapter: string | null) => void;
  onDelete: () => void;
}

/** The conversation's base model and adapter; the adapter can change between turns, and each answer says which one wrote it. */
function ModelPicker({ conversation, models, adapters, disabled, onChange, onDelete }: ModelPickerProps) {
  const ids = useId();
  const installed = models.some((m) => m.name === conversation.model);
  const own = adapters.filter((a) => a.base === conversation.model);
  return (
    <div className="pg-picker">
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-model`}>
          Base model
        </label>
        <select
          id={`${ids}-model`}
          className="select"
          value={installed ? conversation.model : ''}
          disabled={disabled}
          data-testid="pg-model"
          onChange={(e) => onChange(e.target.value, null)}
        >
          {!installed && <option value="">{conversation.model} (not installed)</option>}
          {models.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field pg-adapter-field">
        <label className="field-label" htmlFor={`${ids}-adapter`}>
          Adapter
        </label>
        <select
          id={`${ids}-adapter`}
          className="select"
          value={conversation.adapter ?? ''}
          title={conversation.adapter ?? 'None (the base model)'}
          disabled={disabled || !installed}
          data-testid="pg-adapter"
          onChange={(e) => onChange(conversation.model, e.target.value || null)}
        >
          <option value="">None (the base model)</option>
          {own.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name}
            </option>
          ))}
          {conversation.adapter && !own.some((a) => a.name === conversation.adapter) && <option value={conversation.adapter}>{conversation.adapter} (not installed)</option>}
        </select>
      </div>
      <button type="button" className="button button-small pg-delete" disabled={disabled} data-testid="pg-delete" onClick={onDelete}>
        Delete conversation
      </button>
    </div>
  );
}
