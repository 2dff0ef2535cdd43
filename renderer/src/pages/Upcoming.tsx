import type { ReactElement, ReactNode } from 'react';
import { Card, EmptyState, PageHeader } from '../components/Layout.tsx';
import { Icon } from '../components/Icons.tsx';

/** Pages whose capability is still being built say what will be here — no sample data. */
function Upcoming({ title, subtitle, icon, heading, children }: { title: string; subtitle: string; icon: ReactNode; heading: string; children: ReactNode }): ReactElement {
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} />
      <Card>
        <EmptyState icon={icon} title={heading}>
          {children}
        </EmptyState>
      </Card>
    </>
  );
}

export const Jobs = (): ReactElement => (
  <Upcoming title="Jobs" subtitle="Every job this node has run." icon={<Icon.jobs size={24} />} heading="No jobs yet">
    <p>Each job will be listed with its task, model, price, duration and the execution provider it ran on — and why, if it failed.</p>
  </Upcoming>
);
