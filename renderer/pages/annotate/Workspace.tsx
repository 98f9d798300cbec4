import { useCallback, useEffect, useEffectEvent, useMemo, useReducer, useRef, useState } from 'react';
import type { ApiFailure } from '../../../shared/api/errors';
import type { Item } from '../../../shared/api/schemas/datanets';
import type { ItemPosition } from '../../../shared/api/schemas/navigate';
import { toFailure, useApi, useCall } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Page } from '../../components/Page';
import { navigate } from '../../hooks/useHashRoute';
import { pageHref } from '../../route';
import { AnnotationForm } from './AnnotationForm';
import { AssistPanel } from './AssistPanel';
import { HistoryPanel } from './HistoryPanel';
import { ItemContentView } from './ItemContentView';
import { isTyping, shortcutAllowed } from './keys';
import { ShortcutsDialog } from './ShortcutsDialog';
import { undoStack, useUndoState, type Change } from './undoStack';
import { annotateHref, viewList } from './view-list';
import { counted } from '../../../shared/format';

const REVIEWED = '$reviewed';
const count = new Intl.NumberFormat('en-US');

/** Items skipped in this session (`s`): "next unlabeled" passes over them until the app reloads. */
const skipped = new Set<string>();

function withValue(labels: Item['labels'], field: string, value: unknown): Item['labels'] {
  const rest = Object.fromEntries(Object.entries(labels).filter(([name]) => name !== field));
  return value === null || value === undefined ? rest : { ...rest, [field]: value };
}

/** A field as the person knows it: the bookkeeping field is "reviewed". */
const fieldName = (field: string) => (field === REVIEWED ? 'reviewed' : field);

/** "Item 3 of 300", in the dataset view's list or the whole datanet. */
function placeText(p: ItemPosition, inList: boolean): string {
  if (!inList) return `Item ${count.format(p.position)} of ${count.format(p.total)}`;
  if (!p.matches) return `No longer in the dataset view’s list (${counted(p.total, 'item')} in it)`;
  return `Item ${count.format(p.position)} of ${count.format(p.total)} in the dataset view’s list`;
}

/** One press of a move key, as it waits its turn. */
type Step = { direction: 'next' | 'previous'; unlabeled: boolean };

/**
 * One item of a datanet with its schema's controls. Every change saves at once (annotations.set),
 * shown before the backend answers and put back with a sentence if it refuses. Undo and redo walk
 * this session's changes through the event log, going to the item a change was made on.
 */
export function Workspace({ datanetId, itemId, inList }: { datanetId: string; itemId: string; inList: boolean }) {
  const api = useApi();
  const datanet = useCall('datanets.get', { datanet: datanetId });
  const item = useCall('items.get', { item: itemId });
  // Opened from a filtered dataset view: moves stay in its list (null when it showed everything).
  const list = useMemo(() => (inList ? viewList(datanetId) : null), [inList, datanetId]);
  const position = useCall('items.position', { item: itemId, ...list });
  const href = (target: string) => annotateHref(datanetId, target, list !== null);
  const [historyVersion, bumpHistory] = useReducer((n: number) => n + 1, 0);
  const [failure, setFailure] = useState<{ context: string; error: ApiFailure } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const { canUndo, canRedo } = useUndoState();
  const tokens = useRef(new Map<string, number>());
  // Saves still on their way: an undo pressed right after a key must undo that key's change, so it waits for them.
  const inFlight = useRef(new Set<Promise<unknown>>());
  const moving = useRef(false);
  const { setData: setItem } = item;
  const { reload: reloadPosition } = position;

  // Only the item the address names: showing the previous one while the next loads would let a key label the wrong item.
  const current = item.data?.id === itemId ? item.data : undefined;
  const currentRef = useRef<{ id: string; labels: Item['labels'] } | undefined>(undefined);
  useEffect(() => {
    currentRef.current = current ? { id: current.id, labels: current.labels } : undefined;
  });

  const apply = useCallback(
    (target: string, field: string, value: unknown) => setItem((prev) => (prev && prev.id === target ? { ...prev, labels: withValue(prev.labels, field, value) } : prev)),
    [setItem],
  );

  const save = useCallback(
    async (target: string, field: string, value: unknown): Promise<boolean> => {
      const key = `${target}\n${field}`;
      const token = (tokens.current.get(key) ?? 0) + 1;
      tokens.current.set(key, token);
      const before = currentRef.current?.id === target ? (currentRef.current.labels[field] ?? null) : null;
      apply(target, field, value);
      const call = api.call('annotations.set', { item: target, field, value });
      inFlight.current.add(call);
      try {
        const event = await call;
        undoStack.record({ seq: event.seq, datanetId, itemId: target, field });
        setFailure(null);
        bumpHistory();
        // In a filtered list a label can take the item out of it ("unlabeled"): the lead says so.
        if (list) reloadPosition();
        return true;
      } catch (err) {
        // Put back what was there, unless a later change to the same field is already on its way.
        if (tokens.current.get(key) === token) apply(target, field, before);
        setFailure({ context: `Could not save “${fieldName(field)}”; it shows its last saved value again.`, error: toFailure(err) });
        return false;
      } finally {
        inFlight.current.delete(call);
      }
    },
    [api, apply, datanetId, list, reloadPosition],
  );

  /** After an undo or redo: show its value here, or go to the item it changed. */
  const landed = (change: Change, value: unknown) => {
    if (change.itemId === currentRef.current?.id) {
      apply(change.itemId, change.field, value);
      bumpHistory();
    } else navigate(change.datanetId === datanetId ? href(change.itemId) : pageHref('annotate', change.datanetId, change.itemId));
  };

  const settled = () => Promise.allSettled([...inFlight.current]);

  const undo = async () => {
    await settled();
    const change = undoStack.takeUndo();
    if (!change) return setNotice('Nothing to undo in this session.');
    try {
      const event = await api.call('annotations.undo', { event: change.seq });
      undoStack.pushUndone({ ...change, seq: event.seq });
      setFailure(null);
      landed(change, event.value);
    } catch (err) {
      const failure = toFailure(err);
      // A conflict means the field changed since: that change can never be undone, so it leaves the stack.
      if (failure.code !== 'conflict') undoStack.putBack(change, 'undo');
      setFailure({ context: `Could not undo the change to “${fieldName(change.field)}”.`, error: failure });
    }
  };

  const redo = async () => {
    await settled();
    const change = undoStack.takeRedo();
    if (!change) return setNotice('Nothing to redo.');
    try {
      const event = await api.call('annotations.redo', { event: change.seq });
      undoStack.pushRedone({ ...change, seq: event.seq });
      setFailure(null);
      landed(change, event.value);
    } catch (err) {
      const failure = toFailure(err);
      if (failure.code !== 'conflict') undoStack.putBack(change, 'redo');
      setFailure({ context: `Could not redo the change to “${fieldName(change.field)}”.`, error: failure });
    }
  };

  // Presses made while a step is on its way wait their turn, and each moves on from where the one before landed:
  // k pressed twice goes back two items, however slow the answer, instead of dropping the second press.
  const queuedSteps = useRef<Step[]>([]);
  const landedAt = useRef(itemId);
  useEffect(() => {
    landedAt.current = itemId;
  }, [itemId]);
  const step = async (direction: Step['direction'], unlabeled: boolean) => {
    queuedSteps.current.push({ direction, unlabeled });
    if (moving.current) return;
    moving.current = true;
    setNotice(null);
    try {
      for (let move = queuedSteps.current.shift(); move; move = queuedSteps.current.shift()) {
        const { item: next } = await api.call('items.step', {
          datanet: datanetId,
          from: landedAt.current,
          direction: move.direction,
          unlabeled: move.unlabeled,
          exclude: [...skipped].slice(-1000),
          ...list,
        });
        if (next) {
          landedAt.current = next.id;
          navigate(href(next.id));
          continue;
        }
        queuedSteps.current = [];
        const where = list ? ' of the list' : '';
        setNotice(move.unlabeled ? `Every other item${where} has a label.` : move.direction === 'next' ? `This is the last item${where}.` : `This is the first item${where}.`);
      }
    } catch (err) {
      queuedSteps.current = [];
      setFailure({ context: 'Could not move to another item.', error: toFailure(err) });
    } finally {
      moving.current = false;
    }
  };

  const skip = () => {
    skipped.add(itemId);
    void step('next', true);
  };

  const toggleReviewed = () => {
    if (current) void save(current.id, REVIEWED, current.labels[REVIEWED] === true ? null : true);
  };

  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (e.key === 'Escape' && isTyping(e.target) && document.querySelector('dialog[open]') === null) {
      // Escape leaves a text box, so the single-key shortcuts work again.
      (e.target as HTMLElement).blur();
      return;
    }
    if (!shortcutAllowed(e)) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && !e.altKey) {
      if (key === 'z') {
        e.preventDefault();
        void (e.shiftKey ? redo() : undo());
      } else if (key === 'y') {
        e.preventDefault();
        void redo();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const actions: Record<string, () => void> = {
      arrowright: () => void step('next', false),
      j: () => void step('next', false),
      arrowleft: () => void step('previous', false),
      k: () => void step('previous', false),
      u: () => void step('next', true),
      s: skip,
      r: toggleReviewed,
      '?': () => setHelpOpen(true),
    };
    const action = actions[key];
    if (action) {
      e.preventDefault();
      action();
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    addEventListener('keydown', listener);
    return () => removeEventListener('keydown', listener);
  }, []);

  const schema = datanet.data?.schema;
  const reviewed = current?.labels[REVIEWED] === true;
  const lead = position.data
    ? placeText(position.data, list !== null)
    : position.error
      ? 'Could not find this item’s place in the datanet.'
      : 'Finding the item’s place…';
  // Moving goes from this item: when it cannot load (a wrong link, a removed datanet) there is nowhere to go from.
  const stuck = !current && (item.error !== null || datanet.error !== null);

  return (
    <Page
      id="annotate"
      wide
      title={datanet.data?.name ?? 'Annotate'}
      lead={
        <>
          <span data-testid="annotate-position">{lead}</span>
          {list && (
            <>
              {' · '}
              <a href={pageHref('annotate', datanetId, itemId)} data-testid="annotate-all-items">
                Go through all items
              </a>
            </>
          )}
        </>
      }
    >
      <div className="annotate-workspace" data-testid="annotate-workspace" data-item-id={current?.id ?? ''}>
        <nav className="annotate-toolbar" aria-label="Item navigation">
          <button type="button" className="button button-small" onClick={() => void step('previous', false)} aria-keyshortcuts="ArrowLeft k" disabled={stuck} data-testid="nav-previous">
            ← Previous
          </button>
          <button type="button" className="button button-small" onClick={() => void step('next', false)} aria-keyshortcuts="ArrowRight j" disabled={stuck} data-testid="nav-next">
            Next →
          </button>
          <button type="button" className="button button-small" onClick={() => void step('next', true)} aria-keyshortcuts="u" disabled={stuck} data-testid="nav-unlabeled">
            Next unlabeled
          </button>
          <button type="button" className="button button-small" onClick={skip} aria-keyshortcuts="s" disabled={stuck} data-testid="nav-skip">
            Skip
          </button>
          <button
            type="button"
            className={`button button-small${reviewed ? ' button-on' : ''}`}
            aria-pressed={reviewed}
            aria-keyshortcuts="r"
            disabled={!current}
            onClick={toggleReviewed}
            data-testid="toggle-reviewed"
          >
            {reviewed ? '✓ Reviewed' : 'Mark reviewed'}
          </button>
          <span className="annotate-toolbar-spacer" />
          <button type="button" className="button button-small" disabled={!canUndo} onClick={() => void undo()} aria-keyshortcuts="Control+Z" data-testid="undo">
            Undo
          </button>
          <button type="button" className="button button-small" disabled={!canRedo} onClick={() => void redo()} aria-keyshortcuts="Control+Shift+Z" data-testid="redo">
            Redo
          </button>
          <button type="button" className="button button-small" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?" data-testid="shortcuts-button">
            Shortcuts <kbd>?</kbd>
          </button>
          <a className="button button-small" href={pageHref('datanets', datanetId)}>
            Dataset view
          </a>
        </nav>
        {failure && (
          <div className="annotate-alert" data-testid="save-error">
            <ErrorMessage error={failure.error} context={failure.context} onDismiss={() => setFailure(null)} />
          </div>
        )}
        {notice && (
          <p className="annotate-notice" role="status" data-testid="annotate-notice">
            {notice}
          </p>
        )}
        <div className="annotate-columns">
          <div className="annotate-main">
            {current && schema ? (
              <>
                <ItemContentView item={current} schema={schema} />
                <AnnotationForm key={current.id} schema={schema} item={current} labels={current.labels} onChange={(field, value) => save(current.id, field, value)} shortcuts />
              </>
            ) : (
              <CallFallback call={datanet.error ? datanet : item} what={datanet.error ? 'the datanet' : 'the item'} />
            )}
          </div>
          <aside className="annotate-side" aria-label="Assist and history">
            {current && schema && (
              // An accepted suggestion saves like a key press: optimistic, undoable, in the history.
              <AssistPanel datanetId={datanetId} itemId={current.id} schema={schema} labels={current.labels} onAccept={(field, value) => void save(current.id, field, value)} />
            )}
            <HistoryPanel itemId={itemId} version={historyVersion} />
          </aside>
        </div>
      </div>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </Page>
  );
}
