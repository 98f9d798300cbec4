import type { ReactNode } from 'react';
import './Page.css';

interface PageProps {
  /** The page id: gives the root its `page-<id>` test id. */
  id: string;
  title: string;
  /** One line under the title. */
  lead?: ReactNode;
  children: ReactNode;
}

export function Page({ id, title, lead, children }: PageProps) {
  const headingId = `page-title-${id}`;
  return (
    <section className="page" data-testid={`page-${id}`} aria-labelledby={headingId}>
      <header className="page-header">
        {/* tabIndex -1: the app moves focus here when the page changes, for screen readers and keyboards. */}
        <h1 id={headingId} className="page-title" tabIndex={-1}>
          {title}
        </h1>
        {lead && <p className="page-lead">{lead}</p>}
      </header>
      {children}
    </section>
  );
}
