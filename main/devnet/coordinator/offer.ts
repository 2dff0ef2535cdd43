/**
 * One offer as the node receives it: the job's signed content (eip712.ts
 * `Offer`, by the payer) plus where to download its model from this
 * coordinator's registry.
 */
import { offerTypedData } from '../../../shared/protocol/eip712.ts';
import { newMessageId, PROTOCOL_VERSION, type CoordinatorMessageOf } from '../../../shared/protocol/messages.ts';
import type { Hex } from '../../../shared/voucher.ts';
import type { DemoJob } from '../workload/types.ts';
import type { CoordinatorContext } from './context.ts';
import { MODELS_PATH } from './registry.ts';

export async function signedOffer(ctx: CoordinatorContext, jobId: Hex, job: DemoJob, deadlineAt: number): Promise<CoordinatorMessageOf<'offer'>> {
  const payer = ctx.payer.address;
  const fields = { jobId, task: job.task, model: { sha256: job.model.sha256 }, inputs: job.inputs, price: job.price, deadlineAt, payer };
  const signature = await ctx.payer.signTypedData(offerTypedData(ctx.network.chainId, fields));
  return {
    v: PROTOCOL_VERSION,
    type: 'offer',
    id: newMessageId(),
    offer: {
      ...fields,
      model: { id: job.model.id, sha256: job.model.sha256, url: `${ctx.httpUrl}${MODELS_PATH}${job.model.sha256}`, sizeBytes: job.model.bytes.length },
      signature,
    },
  };
}
