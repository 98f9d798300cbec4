import { useId } from 'react';

const EXAMPLE = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="positive"/>
    <Choice value="negative"/>
  </Choices>
</View>`;

interface LabelStudioConfigTabProps {
  config: string;
  onChange: (config: string) => void;
  /** The backend's reason the config could not be converted. */
  error: string | undefined;
}

/** A Label Studio labeling config, pasted as XML; the backend converts it when the datanet is created. */
export function LabelStudioConfigTab({ config, onChange, error }: LabelStudioConfigTabProps) {
  const id = useId();
  return (
    <div className="field field-full">
      <label className="field-label" htmlFor={id}>
        Labeling config (XML)
      </label>
      <textarea
        id={id}
        className="input textarea mono ls-config"
        rows={12}
        value={config}
        spellCheck={false}
        placeholder={EXAMPLE}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        data-testid="ls-config"
        onChange={(e) => onChange(e.target.value)}
      />
      <span className="field-hint" id={`${id}-hint`}>
        Choices, Labels, TextArea, Rating and RectangleLabels become fields; View, Text, Image and other tags are ignored. The
        preview shows the fields once the datanet is created.
      </span>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert" data-testid="ls-config-error">
          {error}
        </p>
      )}
    </div>
  );
}
