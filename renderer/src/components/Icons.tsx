import type { ReactElement } from 'react';

type IconProps = { size?: number };
const base = (size: number) => ({
  width: size,
  height: size,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.8,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
});

export const Icon = {
  flame: ({ size = 22 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M12 3c1.3 3.4 5.2 5.3 5.2 9.8A5.2 5.2 0 0 1 12 18a5.2 5.2 0 0 1-5.2-5.4c0-2.4 1.3-3.7 2.5-5 .2 1.5.9 2.5 1.8 2.9C10.6 8.2 10.9 5.4 12 3z" />
      <path d="M6 21h12" />
    </svg>
  ),
  overview: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <rect x="3" y="3" width="7" height="9" rx="1.5" />
      <rect x="14" y="3" width="7" height="5" rx="1.5" />
      <rect x="14" y="12" width="7" height="9" rx="1.5" />
      <rect x="3" y="16" width="7" height="5" rx="1.5" />
    </svg>
  ),
  earnings: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M3 17l5-5 4 4 8-8" />
      <path d="M14 8h6v6" />
    </svg>
  ),
  jobs: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M8 6h13M8 12h13M8 18h13" />
      <path d="M3 6h.01M3 12h.01M3 18h.01" />
    </svg>
  ),
  limits: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  ),
  wallet: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <rect x="3" y="6" width="18" height="14" rx="2" />
      <path d="M16 13h.01M3 10h18M6 6V4.5A1.5 1.5 0 0 1 7.5 3H17" />
    </svg>
  ),
  settings: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </svg>
  ),
  pause: ({ size = 16 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M9 5v14M15 5v14" />
    </svg>
  ),
  play: ({ size = 16 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M7 5l12 7-12 7z" />
    </svg>
  ),
  copy: ({ size = 15 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4.5A1.5 1.5 0 0 1 3 13.5v-9A1.5 1.5 0 0 1 4.5 3h9A1.5 1.5 0 0 1 15 4.5V5" />
    </svg>
  ),
  check: ({ size = 15 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M5 12.5l4.5 4.5L19 7.5" />
    </svg>
  ),
  lock: ({ size = 16 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <rect x="4.5" y="10.5" width="15" height="10" rx="2" />
      <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
    </svg>
  ),
  key: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <circle cx="8" cy="15" r="4" />
      <path d="M10.8 12.2L20 3M16.5 6.5l2.5 2.5M14 9l2 2" />
    </svg>
  ),
  plus: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M12 5v14M5 12h14" />
    </svg>
  ),
  close: ({ size = 16 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M6 6l12 12M18 6L6 18" />
    </svg>
  ),
  send: ({ size = 16 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M5 12h14M13 6l6 6-6 6" />
    </svg>
  ),
  shield: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M12 3l7.5 3v5.5c0 4.5-3.2 8.3-7.5 9.5-4.3-1.2-7.5-5-7.5-9.5V6z" />
    </svg>
  ),
  alert: ({ size = 18 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M12 3.5L2.5 20h19z" />
      <path d="M12 10v4.5M12 17.5h.01" />
    </svg>
  ),
  external: ({ size = 13 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
    </svg>
  ),
  refresh: ({ size = 15 }: IconProps): ReactElement => (
    <svg {...base(size)}>
      <path d="M20 11a8 8 0 0 0-14.5-4.5M4 13a8 8 0 0 0 14.5 4.5" />
      <path d="M5 3v4h4M19 21v-4h-4" />
    </svg>
  ),
};
