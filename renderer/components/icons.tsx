/** Line icons on a 24px grid, drawn with currentColor so they follow the text colour and theme. */
import type { ReactNode, SVGProps } from 'react';

export type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };
export type Icon = (props: IconProps) => ReactNode;

function icon(paths: ReactNode): Icon {
  return function SvgIcon({ size = 20, ...rest }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.75}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...rest}
      >
        {paths}
      </svg>
    );
  };
}

export const DatanetsIcon = icon(
  <>
    <ellipse cx="12" cy="5.5" rx="7.5" ry="2.75" />
    <path d="M4.5 5.5v13c0 1.5 3.4 2.75 7.5 2.75s7.5-1.25 7.5-2.75v-13" />
    <path d="M4.5 12c0 1.5 3.4 2.75 7.5 2.75s7.5-1.25 7.5-2.75" />
  </>,
);

export const AnnotateIcon = icon(
  <>
    <path d="M3.5 4.5a1 1 0 0 1 1-1h7.2l8.8 8.8-8.2 8.2-8.8-8.8z" />
    <circle cx="8" cy="8" r="1.5" />
  </>,
);

export const TrainIcon = icon(
  <>
    <path d="M3.5 3.5v17h17" />
    <path d="m7.5 15.5 4-4.5 3 3 5-6" />
  </>,
);

export const ModelsIcon = icon(
  <>
    <path d="M12 2.75 20 7.25v9.5L12 21.25 4 16.75v-9.5z" />
    <path d="m4 7.25 8 4.5 8-4.5" />
    <path d="M12 11.75v9.5" />
  </>,
);

export const PlaygroundIcon = icon(
  <>
    <path d="M5.5 4h13a2 2 0 0 1 2 2v8.5a2 2 0 0 1-2 2H10l-4.5 3.75V16.5h0a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
    <path d="M8 9h8M8 12.5h5" />
  </>,
);

export const ContributionsIcon = icon(
  <>
    <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
    <path d="M14 3v5h5" />
    <path d="m9 14.5 2 2 4-4" />
  </>,
);

export const WalletIcon = icon(
  <>
    <path d="M18.5 7V5.5a1.5 1.5 0 0 0-1.5-1.5H5.5a2 2 0 0 0 0 4h14a1 1 0 0 1 1 1v9.5a1.5 1.5 0 0 1-1.5 1.5H5.5a2 2 0 0 1-2-2V6" />
    <circle cx="16.5" cy="13.5" r="1.25" />
  </>,
);

export const SettingsIcon = icon(
  <>
    <path d="M4 6.5h9M17 6.5h3M4 12h3M11 12h9M4 17.5h11M19 17.5h1" />
    <circle cx="15" cy="6.5" r="2" />
    <circle cx="9" cy="12" r="2" />
    <circle cx="17" cy="17.5" r="2" />
  </>,
);

export const LedgerIcon = icon(
  <>
    <rect x="3" y="8.5" width="7" height="7" rx="1.5" />
    <rect x="14" y="8.5" width="7" height="7" rx="1.5" />
    <path d="M10 12h4" />
  </>,
);

export const OutboxIcon = icon(
  <>
    <path d="M4 13.5v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
    <path d="M12 15V4M7.5 8.5 12 4l4.5 4.5" />
  </>,
);

export const OnlineIcon = icon(
  <>
    <path d="M2.5 9a14 14 0 0 1 19 0" />
    <path d="M5.5 12.5a9.5 9.5 0 0 1 13 0" />
    <path d="M8.75 16a5 5 0 0 1 6.5 0" />
    <circle cx="12" cy="19.25" r="0.75" fill="currentColor" />
  </>,
);

export const OfflineIcon = icon(
  <>
    <path d="M3 3l18 18" />
    <path d="M8.75 16a5 5 0 0 1 6.5 0" />
    <path d="M5.5 12.5a9.5 9.5 0 0 1 4.2-2.3M14.6 10.3a9.5 9.5 0 0 1 3.9 2.2" />
    <path d="M2.5 9a14 14 0 0 1 4.3-2.8M11 4.55A14 14 0 0 1 21.5 9" />
    <circle cx="12" cy="19.25" r="0.75" fill="currentColor" />
  </>,
);

export const CheckIcon = icon(<path d="m5 12.5 4.5 4.5L19 7.5" />);

export const AlertIcon = icon(
  <>
    <path d="M12 3.5 21.5 20h-19z" />
    <path d="M12 10v4.5" />
    <circle cx="12" cy="17.25" r="0.6" fill="currentColor" />
  </>,
);

export const ErrorIcon = icon(
  <>
    <circle cx="12" cy="12" r="9" />
    <path d="m9 9 6 6M15 9l-6 6" />
  </>,
);

export const InfoIcon = icon(
  <>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v5.5" />
    <circle cx="12" cy="7.75" r="0.6" fill="currentColor" />
  </>,
);

export const PlugIcon = icon(
  <>
    <path d="M9 3.5V8M15 3.5V8" />
    <path d="M6.5 8h11v3a5.5 5.5 0 0 1-11 0z" />
    <path d="M12 16.5v4" />
  </>,
);
