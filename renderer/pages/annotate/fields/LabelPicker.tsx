import { labelColor } from '../labelColors';

interface LabelPickerProps {
  labels: readonly string[];
  /** The label new marks get. */
  label: string;
  onPick: (label: string) => void;
  readOnly: boolean;
  /** What the picked label is for ("Label for new spans"). */
  ariaLabel: string;
  /** Each button's test id is `${testIdPrefix}-${label}`. */
  testIdPrefix: string;
  /** Edge the picked button in its label's colour. */
  tintPicked?: boolean;
}

/** The label for new spans or boxes: one radio button a label, its colour swatch and digit key. */
export function LabelPicker({ labels, label, onPick, readOnly, ariaLabel, testIdPrefix, tintPicked = false }: LabelPickerProps) {
  return (
    <div className="spans-labels" role="radiogroup" aria-label={ariaLabel}>
      {labels.map((l, i) => (
        <button
          key={l}
          type="button"
          role="radio"
          aria-checked={label === l}
          className="choice choice-small"
          style={tintPicked ? { borderColor: label === l ? labelColor(labels, l) : undefined } : undefined}
          disabled={readOnly}
          data-testid={`${testIdPrefix}-${l}`}
          onClick={() => onPick(l)}
        >
          <span className="swatch" style={{ background: labelColor(labels, l) }} aria-hidden="true" />
          {i < 9 && <kbd className="choice-key">{i + 1}</kbd>}
          {l}
        </button>
      ))}
    </div>
  );
}
