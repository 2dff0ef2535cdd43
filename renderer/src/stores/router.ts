import { create } from 'zustand';

export const pages = [
  { path: '/', title: 'Overview' },
  { path: '/earnings', title: 'Earnings' },
  { path: '/jobs', title: 'Jobs' },
  { path: '/limits', title: 'Limits' },
  { path: '/wallet', title: 'Wallet' },
  { path: '/settings', title: 'Settings' },
] as const;
export type PagePath = (typeof pages)[number]['path'];

function current(): PagePath {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  return pages.find((page) => page.path === path)?.path ?? '/';
}

interface RouterStore {
  path: PagePath;
  navigate: (path: PagePath) => void;
}

/** Path-based routes; both the custom scheme and headless mode serve index.html for them. */
export const useRouter = create<RouterStore>((set) => ({
  path: current(),
  navigate(path) {
    if (path !== window.location.pathname) history.pushState(null, '', path);
    set({ path });
  },
}));

window.addEventListener('popstate', () => useRouter.setState({ path: current() }));
