import { z } from 'zod';
import {
  ApiError,
  decodeEvent,
  isEventName,
  methods,
  type EventName,
  type EventPayload,
  type InvokeArgs,
  type MethodName,
  type MethodOutput,
} from '../../../shared/api.ts';
import type { ConnectionState, Transport } from './transport.ts';

/** The typed contract client: encodes inputs and decodes outputs and events with the contract's schemas. */
export class HearthClient {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  get kind(): Transport['kind'] {
    return this.#transport.kind;
  }

  async call<M extends MethodName>(method: M, ...args: InvokeArgs<M>): Promise<MethodOutput<M>> {
    const schema = methods[method];
    const wire = args[0] === undefined ? undefined : z.encode(schema.input as z.ZodType, args[0]);
    const reply = await this.#transport.invoke(method, wire);
    if (!reply.ok) throw ApiError.fromShape(reply.error);
    return z.decode(schema.output as z.ZodType, reply.value) as MethodOutput<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.#transport.subscribe((name, payload) => {
      if (name !== event || !isEventName(name)) return;
      try {
        listener(decodeEvent(event, payload));
      } catch (error) {
        console.error(`dropped a malformed ${event} event`, error);
      }
    });
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.#transport.onConnection(listener);
  }
}
