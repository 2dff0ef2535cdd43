import type { EventName, EventPayload } from '../../shared/api.ts';

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
type AnyListener = (payload: never) => void;

/** Contract events, typed by name. A throwing listener is reported, never breaks the others. */
export class ContractEmitter {
  readonly #listeners = new Map<EventName, Set<AnyListener>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
