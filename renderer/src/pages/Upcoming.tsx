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

export const Limits = (): ReactElement => (
  <Upcoming title="Limits" subtitle="When Hearth may use your machine, and how much of it." icon={<Icon.limits size={24} />} heading="Limits are coming">
    <p>Schedules, idle-only mode, pause while gaming, CPU/GPU/RAM caps, battery and daily caps will be set here.</p>
    <p>Until then, use Pause on the Overview: it stops all work and takes effect at once.</p>
  </Upcoming>
);
