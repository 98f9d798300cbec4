import { Dialog } from '../../components/Dialog';
import { SHORTCUTS } from './shortcuts';

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" size="wide" testId="shortcuts-dialog">
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <th scope="row">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && <span className="muted"> {k === '…' || s.keys[i - 1] === '…' ? '' : 'or'} </span>}
                    {k === '…' ? '…' : <kbd>{k}</kbd>}
                  </span>
                ))}
              </th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
