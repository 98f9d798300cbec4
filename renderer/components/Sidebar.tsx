import { pageHref, type PageId } from '../route';
import { PAGES } from '../routes';
import { ariaShortcut, shortcutLabel } from '../platform';
import { APP_NAME } from '../../shared/app';
import './Sidebar.css';

export function Sidebar({ current }: { current: PageId }) {
  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="sidebar-brand">
        <img className="sidebar-logo" src="./favicon.svg" alt="" aria-hidden="true" />
        <span className="sidebar-name">{APP_NAME}</span>
      </div>
      <ul className="sidebar-list">
        {PAGES.map((page, i) => {
          const Icon = page.icon;
          const key = String(i + 1);
          const active = page.id === current;
          return (
            <li key={page.id}>
              <a
                className="sidebar-link"
                href={pageHref(page.id)}
                data-testid={`nav-${page.id}`}
                aria-current={active ? 'page' : undefined}
                title={`${page.label} (${shortcutLabel(key)})`}
                aria-keyshortcuts={ariaShortcut(key)}
              >
                <Icon className="sidebar-icon" />
                <span className="sidebar-label">{page.label}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
