import type { HTMLAttributes } from 'react';
import type { Icon } from './icons';
import './IconBadge.css';

interface IconBadgeProps extends HTMLAttributes<HTMLSpanElement> {
  Icon: Icon;
  label: string;
  /** Also picks the colour; `badge` is always there. */
  className?: string;
}

/** A state in a word and an icon as well as a colour, so it never rests on colour alone. */
export function IconBadge({ Icon, label, className, ...rest }: IconBadgeProps) {
  return (
    <span className={className ? `badge ${className}` : 'badge'} {...rest}>
      <Icon size={14} />
      {label}
    </span>
  );
}
