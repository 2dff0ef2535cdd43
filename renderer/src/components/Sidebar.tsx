import type { ReactElement } from 'react';
import { pages, useRouter, type PagePath } from '../stores/router.ts';
import { useNodeStore } from '../stores/node.ts';
import { Icon } from './Icons.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const icons: Record<PagePath, () => ReactElement> = {
  '/': () => <Icon.overview />,
  '/earnings': () => <Icon.earnings />,
  '/jobs': () => <Icon.jobs />,
  '/limits': () => <Icon.limits />,
  '/wallet': () => <Icon.wallet />,
  '/settings': () => <Icon.settings />,
};

export function Sidebar(): ReactElement {
  const { path, navigate } = useRouter();
  const status = useNodeStore((state) => state.status);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark">
          <Icon.flame />
        </span>
        <span className="brand-name">Hearth</span>
      </div>
      <ul>
        {pages.map((page) => (
          <li key={page.path}>
            <a
              href={page.path}
              className={page.path === path ? 'active' : undefined}
              aria-current={page.path === path ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(page.path);
              }}
            >
              {icons[page.path]()}
              {page.title}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        {status && <StatusBadge state={status.state} />}
        {status && <span className="muted small">v{status.version}</span>}
      </div>
    </nav>
  );
}
