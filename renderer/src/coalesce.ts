/**
 * Wraps a refresh so that at most one run is in flight. A request while one
 * runs asks for exactly one more run after it, however many requests came: a
 * burst of events costs at most two reads, never a queue, and the last read
 * always starts after the last event.
 */
export function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    const done = (): void => {
      running = false;
      if (again) run();
    };
    task().then(done, done);
  };
  return run;
}
