import { useEffect, useRef } from 'react';
import { APP_NAME } from '../shared/app';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { useHashRoute } from './hooks/useHashRoute';
import { usePageShortcuts } from './hooks/usePageShortcuts';
import { PAGES } from './routes';
import './App.css';

export function App() {
  const pageId = useHashRoute().page;
  const page = PAGES.find((p) => p.id === pageId) ?? PAGES[0];
  const PageComponent = page.component;
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  usePageShortcuts();

  useEffect(() => {
    document.title = `${page.label} · ${APP_NAME}`;
    // On a page change (not on launch) put focus on the new page's heading, so keyboard and
    // screen-reader users land where the content changed.
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [page]);

  return (
    <div className="app">
      {/* The hash is the router's, so the link moves focus itself instead of navigating to #main. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <Sidebar current={pageId} />
      <main className="main" id="main" ref={mainRef} tabIndex={-1}>
        {/* Keyed by page: leaving a broken page and coming back gives it a fresh start. */}
        <ErrorBoundary key={pageId}>
          <PageComponent />
        </ErrorBoundary>
      </main>
      <StatusBar />
    </div>
  );
}
