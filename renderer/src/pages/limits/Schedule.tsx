import { useMemo, useState, type ReactElement } from 'react';
import { ALL_DAY, defaultLimits, weekdayNames, weekdays, type Weekday } from '../../../../shared/limits.ts';
import { Card } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { fieldIds, hasErrorIn, isAllDay, newKey, nextWindow, type FieldErrors, type LimitsDraft, type WindowDraft } from './draft.ts';
import { FieldErrorList, hasError, SwitchField } from './fields.tsx';

type Update = (change: (draft: LimitsDraft) => LimitsDraft) => void;

/** Every zone this browser's Intl knows; computed once. */
let zones: readonly string[] | undefined;
function knownZones(): readonly string[] {
  if (!zones) {
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
  }
  return zones;
}

export function ScheduleCard({
  draft,
  update,
  errors,
  systemZone,
}: {
  draft: LimitsDraft;
  update: Update;
  errors: FieldErrors;
  /** The node's own zone, when known (the browser may be on another computer). */
  systemZone: string | undefined;
}): ReactElement {
  const schedule = draft.schedule;
  const setDays = (change: (days: LimitsDraft['schedule']['days']) => LimitsDraft['schedule']['days']): void =>
    update((d) => ({ ...d, schedule: { ...d.schedule, days: change(d.schedule.days) } }));
  const zoneOptions = useMemo(() => {
    const list = knownZones();
    return schedule.timeZone === 'system' || list.includes(schedule.timeZone) ? list : [schedule.timeZone, ...list];
  }, [schedule.timeZone]);

  return (
    <Card title="Schedule" className="limits-card">
      <SwitchField
        id="schedule-enabled"
        label="Run only at set times"
        help="Hearth takes work only inside these windows. Off: at any hour (the other limits still apply)."
        checked={schedule.enabled}
        onChange={(enabled) => update((d) => ({ ...d, schedule: { ...d.schedule, enabled } }))}
      />
      <div className={`schedule-body${schedule.enabled ? '' : ' is-off'}`}>
        {!schedule.enabled && <p className="muted small">The schedule is off. The windows below are kept for when you turn it on.</p>}
        <div className="form-field">
          <label htmlFor="schedule-zone">Time zone</label>
          <select
            id="schedule-zone"
            className="zone-select"
            value={schedule.timeZone}
            aria-invalid={hasError(errors, fieldIds.timeZone)}
            onChange={(event) => update((d) => ({ ...d, schedule: { ...d.schedule, timeZone: event.target.value } }))}
          >
            <option value="system">System time zone{systemZone ? ` (${systemZone})` : ''}</option>
            {zoneOptions.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          {hasError(errors, fieldIds.timeZone) ? (
            <FieldErrorList errors={errors} field={fieldIds.timeZone} />
          ) : (
            <p className="muted small">The windows, the daily cap's day and "until tomorrow" follow this zone, summer time included. System follows the computer Hearth runs on.</p>
          )}
        </div>
        <div className="days" role="group" aria-label="Windows per weekday">
          {weekdays.map((day) => (
            <DayRow key={day} day={day} windows={schedule.days[day]} errors={errors} setWindows={(change) => setDays((days) => ({ ...days, [day]: change(days[day]) }))} />
          ))}
        </div>
        <FieldErrorList errors={errors} field={fieldIds.days} />
        <div className="schedule-foot">
          <p className="muted small">
            Windows are HH:MM to HH:MM; 24:00 is the end of the day. A window that runs past midnight (22:00 to 06:00) is marked "ends next day" and belongs
            to the day it starts.
          </p>
          <button
            type="button"
            className="button small-button"
            onClick={() =>
              setDays(() => Object.fromEntries(weekdays.map((day) => [day, (defaultLimits.schedule.days[day] ?? []).map((w) => ({ key: newKey(), start: w.start, end: w.end, endsNextDay: w.endsNextDay === true }))])) as LimitsDraft['schedule']['days'])
            }
          >
            Use the typical plan (nights on weekdays, weekends all day)
          </button>
        </div>
      </div>
    </Card>
  );
}

function DayRow({
  day,
  windows,
  errors,
  setWindows,
}: {
  day: Weekday;
  windows: WindowDraft[];
  errors: FieldErrors;
  setWindows: (change: (windows: WindowDraft[]) => WindowDraft[]) => void;
}): ReactElement {
  const name = weekdayNames[day];
  const allDay = isAllDay(windows);
  /** What the day had before "All day" was ticked, to give it back when unticked. */
  const [before, setBefore] = useState<WindowDraft[] | undefined>();
  const change = (key: number, patch: Partial<WindowDraft>): void => setWindows((list) => list.map((w) => (w.key === key ? { ...w, ...patch } : w)));
  const invalid = hasErrorIn(errors, `schedule.days.${day}.`);

  return (
    <div className={`day-row${invalid ? ' has-error' : ''}`} data-testid={`day-${day}`}>
      <div className="day-name">{name}</div>
      <div className="day-windows">
        {allDay ? (
          <div className="window-row">
            <span className="pill pill-ok">All day</span>
            <span className="muted small">00:00–24:00</span>
          </div>
        ) : windows.length === 0 ? (
          <p className="muted small day-empty">No windows: Hearth does not run on {name}s.</p>
        ) : (
          windows.map((window, index) => {
            const field = fieldIds.window(day, window.key);
            const bad = hasError(errors, field);
            const label = `${name} window ${index + 1}`;
            return (
              <div key={window.key} className="window">
                <div className="window-row">
                  <input
                    type="text"
                    className="mono time-input"
                    value={window.start}
                    placeholder="HH:MM"
                    maxLength={5}
                    inputMode="numeric"
                    autoComplete="off"
                    aria-label={`${label} start`}
                    aria-invalid={bad}
                    onChange={(event) => change(window.key, { start: event.target.value })}
                  />
                  <span className="muted">to</span>
                  <input
                    type="text"
                    className="mono time-input"
                    value={window.end}
                    placeholder="HH:MM"
                    maxLength={5}
                    inputMode="numeric"
                    autoComplete="off"
                    aria-label={`${label} end`}
                    aria-invalid={bad}
                    onChange={(event) => change(window.key, { end: event.target.value })}
                  />
                  <label className="check">
                    <input type="checkbox" checked={window.endsNextDay} onChange={(event) => change(window.key, { endsNextDay: event.target.checked })} />
                    ends next day
                  </label>
                  <button
                    type="button"
                    className="button icon-button"
                    aria-label={`Remove ${label}`}
                    title="Remove this window"
                    onClick={() => setWindows((list) => list.filter((w) => w.key !== window.key))}
                  >
                    <Icon.close size={15} />
                  </button>
                </div>
                <FieldErrorList errors={errors} field={field} />
              </div>
            );
          })
        )}
      </div>
      <div className="day-actions">
        <label className="check">
          <input
            type="checkbox"
            checked={allDay}
            aria-label={`${name} all day`}
            onChange={(event) => {
              if (event.target.checked) {
                setBefore(windows);
                setWindows(() => [{ key: newKey(), start: ALL_DAY.start, end: ALL_DAY.end, endsNextDay: false }]);
              } else {
                setWindows(() => before ?? []);
                setBefore(undefined);
              }
            }}
          />
          All day
        </label>
        <button
          type="button"
          className="button small-button"
          aria-label={`Add a window on ${name}`}
          disabled={allDay}
          onClick={() => setWindows((list) => [...list, nextWindow(list)])}
        >
          <Icon.plus size={14} /> Window
        </button>
      </div>
    </div>
  );
}
