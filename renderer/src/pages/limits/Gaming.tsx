import { useState, type ReactElement } from 'react';
import { Card } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { fieldIds, hasErrorIn, knownProgramName, missingStarters, newKey, type FieldErrors, type LimitsDraft, type ProgramDraft } from './draft.ts';
import { FieldErrorList, hasError, SwitchField } from './fields.tsx';

type Update = (change: (draft: LimitsDraft) => LimitsDraft) => void;

/**
 * Pause while gaming: the master switch, fullscreen and other-GPU-user
 * checks, and the program list — editable rows, a filter, and the built-in
 * starter list to add from (by game name).
 */
export function GamingCard({ draft, update, errors, attempted }: { draft: LimitsDraft; update: Update; errors: FieldErrors; attempted: boolean }): ReactElement {
  const gaming = draft.gaming;
  const [filter, setFilter] = useState('');
  /** Rows just added and not yet left: their "must not be empty" waits until the user moves on (or saves). */
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const [starter, setStarter] = useState('');
  const setGaming = (patch: Partial<LimitsDraft['gaming']>): void => update((d) => ({ ...d, gaming: { ...d.gaming, ...patch } }));
  const setPrograms = (change: (programs: ProgramDraft[]) => ProgramDraft[]): void =>
    update((d) => ({ ...d, gaming: { ...d.gaming, programs: change(d.gaming.programs) } }));
  const missing = missingStarters(gaming.programs);
  const chosen = missing.find((game) => game.exe === starter) ?? missing[0];
  const needle = filter.trim().toLowerCase();
  const shown = (program: ProgramDraft): boolean =>
    needle === '' ||
    fresh.has(program.key) ||
    hasError(errors, fieldIds.program(program.key)) ||
    program.name.toLowerCase().includes(needle) ||
    (knownProgramName(program.name)?.toLowerCase().includes(needle) ?? false);
  const visible = gaming.programs.map((program, index) => ({ program, index })).filter(({ program }) => shown(program));
  const listInvalid = hasErrorIn(errors, 'gaming.programs');

  return (
    <Card title="Pause while gaming" className="limits-card">
      <SwitchField
        id="gaming-enabled"
        label="Give the machine back for games"
        help="Hearth pauses the moment one of these starts, and resumes a minute after it ends (games often restart themselves)."
        checked={gaming.enabled}
        onChange={(enabled) => setGaming({ enabled })}
      />
      <div className={`gaming-body${gaming.enabled ? '' : ' is-off'}`}>
        <SwitchField
          id="gaming-fullscreen"
          label="Any fullscreen app"
          help="Games, videos, presentations — where the operating system tells."
          checked={gaming.pauseOnFullscreen}
          onChange={(pauseOnFullscreen) => setGaming({ pauseOnFullscreen })}
        />
        <SwitchField
          id="gaming-gpu"
          label="Another program using the GPU"
          help="Where the driver lists the programs computing on the GPU (NVIDIA does)."
          checked={gaming.pauseOnOtherGpuUsers}
          onChange={(pauseOnOtherGpuUsers) => setGaming({ pauseOnOtherGpuUsers })}
        />
        <div className="field programs">
          <div className="programs-head">
            <div>
              <span className="label" id="programs-label">
                Programs that pause Hearth
              </span>
              <p className="muted small">
                {gaming.programs.length === 1 ? '1 program' : `${gaming.programs.length} programs`}. Executable names: the path, the case and ".exe" do
                not matter (eldenring.exe, EldenRing and C:\Games\eldenring.exe are the same).
              </p>
            </div>
            <input
              type="search"
              className="programs-filter"
              placeholder="Find in the list"
              aria-label="Find in the program list"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') event.preventDefault(); // finding is not saving
              }}
            />
          </div>
          <ol className={`program-list${listInvalid ? ' has-error' : ''}`} aria-labelledby="programs-label">
            {visible.length === 0 && <li className="muted small program-empty">{gaming.programs.length === 0 ? 'No programs: add some below.' : 'Nothing in the list matches.'}</li>}
            {visible.map(({ program, index }) => {
              const field = fieldIds.program(program.key);
              const quiet = fresh.has(program.key) && !attempted && program.name.trim() === '';
              const bad = hasError(errors, field) && !quiet;
              const known = knownProgramName(program.name);
              return (
                <li key={program.key} className="program">
                  <div className="program-row">
                    <span className="program-index muted">{index + 1}</span>
                    <input
                      type="text"
                      className="mono"
                      value={program.name}
                      title={program.name.length > 24 ? program.name : undefined}
                      placeholder="game.exe"
                      maxLength={300}
                      autoComplete="off"
                      spellCheck={false}
                      autoFocus={fresh.has(program.key)}
                      aria-label={`Gaming program ${index + 1}`}
                      aria-invalid={bad}
                      onBlur={() => {
                        if (fresh.has(program.key)) setFresh(new Set([...fresh].filter((key) => key !== program.key)));
                      }}
                      onChange={(event) => setPrograms((list) => list.map((p) => (p.key === program.key ? { ...p, name: event.target.value } : p)))}
                    />
                    <span className="program-name muted small" title={known}>
                      {known ?? ''}
                    </span>
                    <button
                      type="button"
                      className="button icon-button"
                      aria-label={`Remove ${program.name.trim() || `gaming program ${index + 1}`}`}
                      title="Remove from the list"
                      onClick={() => setPrograms((list) => list.filter((p) => p.key !== program.key))}
                    >
                      <Icon.close size={15} />
                    </button>
                  </div>
                  {bad && <FieldErrorList errors={errors} field={field} />}
                </li>
              );
            })}
          </ol>
          <FieldErrorList errors={errors} field={fieldIds.programs} />
          <div className="programs-actions">
            <button
              type="button"
              className="button small-button"
              onClick={() => {
                const key = newKey();
                setFresh(new Set([...fresh, key]));
                setPrograms((list) => [...list, { key, name: '' }]);
              }}
            >
              <Icon.plus size={14} /> Add a program
            </button>
            {chosen ? (
              <div className="starter-add">
                <span className="muted small">or from the built-in list:</span>
                <select aria-label="Built-in game list" value={chosen.exe} onChange={(event) => setStarter(event.target.value)}>
                  {missing.map((game) => (
                    <option key={game.exe} value={game.exe}>
                      {game.name} — {game.exe}
                    </option>
                  ))}
                </select>
                <button type="button" className="button small-button" onClick={() => setPrograms((list) => [...list, { key: newKey(), name: chosen.exe }])}>
                  Add
                </button>
                {missing.length > 1 && (
                  <button
                    type="button"
                    className="button small-button"
                    onClick={() => setPrograms((list) => [...list, ...missing.map((game) => ({ key: newKey(), name: game.exe }))])}
                  >
                    Add all {missing.length}
                  </button>
                )}
              </div>
            ) : (
              <span className="muted small">Every game of the built-in list is in yours.</span>
            )}
          </div>
        </div>
      </div>
    </Card>
  );
}
