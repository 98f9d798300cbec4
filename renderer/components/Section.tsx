import { useId, type ReactNode } from 'react';
import './Section.css';

interface SectionProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** A titled card inside a page; its heading labels it for assistive tech. */
export function Section({ title, description, children, testId }: SectionProps) {
  const headingId = useId();
  return (
    <section className="section" aria-labelledby={headingId} data-testid={testId}>
      <header className="section-header">
        <h2 id={headingId} className="section-title">
          {title}
        </h2>
        {description && <p className="section-description">{description}</p>}
      </header>
      <div className="section-body">{children}</div>
    </section>
  );
}
