import type { Adapter, LanguageModel } from '../../../shared/api/schemas/models';
import { counted, formatBytes } from '../../../shared/format';
import { formatCount } from './format';

const ARCHITECTURES: Record<LanguageModel['architecture'], string> = { gpt2: 'GPT-2', llama: 'Llama', qwen2: 'Qwen2' };

interface BaseModelListProps {
  models: LanguageModel[];
  adapters: Adapter[];
  onExportGguf: (model: LanguageModel) => void;
  onRemove: (model: LanguageModel) => void;
}

/** The installed base models: what each is (architecture, size, shape), with export and delete. */
export function BaseModelList({ models, adapters, onExportGguf, onRemove }: BaseModelListProps) {
  if (models.length === 0) {
    return (
      <p className="boxed-list-empty" data-testid="models-empty">
        No base model is installed yet. Import a Hugging Face model folder below (a small instruct model such as Qwen2.5-0.5B-Instruct trains on a laptop CPU).
      </p>
    );
  }
  return (
    <ul className="boxed-list" data-testid="model-list">
      {models.map((m) => {
        const trained = adapters.filter((a) => a.base === m.name).length;
        return (
          <li key={m.name} className="boxed-row" data-testid="model-row" data-name={m.name}>
            <div className="boxed-row-text">
              <span className="boxed-row-name">{m.name}</span>
              <span className="boxed-row-meta" data-testid="model-meta">
                {ARCHITECTURES[m.architecture]} · {formatCount(m.parameters)} parameters · {formatBytes(m.bytes)} · {m.dtype}
              </span>
              <span className="boxed-row-meta">
                {m.layers} layers · width {m.hidden} · vocabulary {m.vocab.toLocaleString()} · context {m.contextLength.toLocaleString()} tokens
                {m.chat ? ' · chat template' : ' · no chat template'}
                {trained > 0 && ` · ${counted(trained, 'adapter')}`}
              </span>
              {m.source && (
                <span className="boxed-row-meta mono" title={m.source}>
                  {m.source.startsWith('hf:') ? `Hugging Face ${m.source.slice(3)}` : `from ${m.source}`}
                </span>
              )}
            </div>
            <div className="boxed-row-actions">
              <button type="button" className="button button-small" data-testid="model-export-gguf" onClick={() => onExportGguf(m)}>
                Export GGUF…<span className="visually-hidden"> of {m.name}</span>
              </button>
              <button type="button" className="button button-small" data-testid="model-remove" onClick={() => onRemove(m)}>
                Delete…<span className="visually-hidden"> {m.name}</span>
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
