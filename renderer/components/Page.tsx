import type { ReactNode } from 'react';
import './Page.css';

interface PageProps {
  /** The page id: gives the root its `page-<id>` test id. */
  id: string;
  title: string;
  /** One line under the title. */
  lead?: ReactNode;
  children: ReactNode;
  /** For pages of wide content (the annotate workspace, tables of many columns): up to 1320 px, not 880. */
  wide?: boolean;
}

export function Page({ id, title, lead, children, wide = false }: PageProps) {
  const headingId = `page-title-${id}`;
  return (
    <section className={wide ? 'page page-wide' : 'page'} data-testid={`page-${id}`} aria-labelledby={headingId}>
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
