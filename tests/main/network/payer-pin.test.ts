import { getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { comparePin, pinKey, readPin, type NetworkTerms } from '../../../main/network/manifest.ts';
import { until } from '../../helpers/worker.ts';
import { loggedIn, startHarness } from './harness.ts';

const terms: NetworkTerms = {
  chainId: 8453,
  escrow: '0x00000000000000000000000000000000000000e5',
  token: '0x0000000000000000000000000000000000000070',
  payer: '0x00000000000000000000000000000000000000Aa',
};

describe('payer pin', () => {
  it('compares announced terms with the pin: first use, same (any address case), changed', () => {
    expect(comparePin(undefined, terms)).toEqual({ kind: 'first_use' });
    expect(comparePin(terms, { ...terms, payer: terms.payer.toLowerCase() as `0x${string}` })).toEqual({ kind: 'same' });
    for (const change of [{ chainId: 1 }, { escrow: terms.token }, { token: terms.escrow }, { payer: terms.escrow }]) {
      expect(comparePin(terms, { ...terms, ...change })).toEqual({ kind: 'changed', pinned: terms, announced: { ...terms, ...change } });
    }
  });

  it('pins the payer on first use, refuses a changed payer until the user accepts it, then works for the new one', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const first = h.coordinator.payer.address;
    expect(readPin(h.store.nodeState, h.coordinator.networkUrl)?.payer).toBe(getAddress(first));
    await h.client.stop();

    // The network now names another payer (its hello agrees with its manifest: only the pin stands in the way).
    const next = privateKeyToAccount(generatePrivateKey());
    h.coordinator.manifest = { ...h.coordinator.manifest, payer: next.address };
    h.coordinator.summaryOverride = { chainId: h.coordinator.chainId, escrow: h.coordinator.escrow, token: h.coordinator.token, payer: next.address };
    const client = h.restart();
    client.start();
    await until(() => client.status().state === 'payer_changed');
    expect(client.status()).toMatchObject({ pinned: { payer: getAddress(first) }, announced: { payer: next.address } });
    expect(client.status().lastError).toMatch(/refused until you accept/);
    // It keeps checking, and never dials the coordinator meanwhile.
    const requests = h.coordinator.manifestRequests;
    await until(() => h.coordinator.manifestRequests > requests);
    expect(h.coordinator.connections).toBe(1);

    const accepted = client.acceptPayerChange();
    expect(accepted.pinned?.payer).toBe(next.address);
    expect(accepted.announced).toBeNull();
    await loggedIn(h, 2);
    await until(() => client.status().state === 'connected');
    expect(readPin(h.store.nodeState, h.coordinator.networkUrl)?.payer).toBe(next.address);
    expect(h.store.db.prepare('SELECT count(*) FROM node_state WHERE key = ?').pluck().get(pinKey(h.coordinator.networkUrl))).toBe(1);
  });

  it('refuses offers signed for another payer than the pinned one', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const other = privateKeyToAccount(generatePrivateKey());
    const { offer } = await h.coordinator.sendOffer({ payer: other.address, signer: other });
    expect((await h.coordinator.next('decline', (m) => m.jobId === offer.jobId)).message.reason).toBe('payer_mismatch');
  });
});
