import { useEffect, useId, useRef, type ReactNode } from 'react';
import './Dialog.css';

/** What a user acts on, in document order; the body's prose links count (a "go to the Wallet page" way out). */
const FIRST_CONTROL = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  open: boolean;
  title: string;
  /** Called on Escape, on the close button and on a click outside the panel. */
  onClose: () => void;
  children: ReactNode;
  /** Buttons along the bottom edge. */
  footer?: ReactNode;
  testId?: string;
  /** `wide` for editors (schema builder, shortcut list). */
  size?: 'normal' | 'wide';
}

/**
 * A modal on the native <dialog>: the browser traps focus, makes the rest inert, and gives focus
 * back to what had it when the dialog closes.
 */
export function Dialog({ open, title, onClose, children, footer, testId, size = 'normal' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) {
      dialog.close();
      // The browser gives focus back to what had it at showModal; when that is gone (a dialog that
      // closed itself to open this one), focus would fall to the page's body: the heading takes it.
      if (document.activeElement === null || document.activeElement === document.body) document.querySelector<HTMLElement>('main h1')?.focus();
    }
  }, [open]);

  // showModal focuses the first control it finds, the header's close button. The dialog's first
  // real control (or the first within an element marked data-autofocus) takes focus instead, as soon as it is drawn: many
  // bodies read their data first. Once the user has put focus anywhere else, it is left there.
  useEffect(() => {
    const body = ref.current?.querySelector('.dialog-body');
    if (!open || !body) return;
    const place = (): boolean => {
      const active = document.activeElement;
      if (active && active !== document.body && active !== ref.current && !active.matches('.dialog-close')) return true;
      const marked = body.querySelector<HTMLElement>('[data-autofocus]');
      const target = marked?.matches(FIRST_CONTROL) ? marked : (marked ?? body).querySelector<HTMLElement>(FIRST_CONTROL);
      target?.focus();
      return target !== null;
    };
    if (place()) return;
    const observer = new MutationObserver(() => {
      if (place()) observer.disconnect();
    });
    observer.observe(body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => observer.disconnect();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      data-testid={testId}
      // Escape fires `cancel`: keep React's `open` the source of truth instead of letting it close itself.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog-panel">
          <header className="dialog-header">
            <h2 id={titleId} className="dialog-title">
              {title}
            </h2>
            <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}
