/** The app's verify service and worker client, with a fake worker, in Node. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BUNDLE_BYTES, PatchtrailError, serializeBundle } from '../../src/core/index.ts';
import { makeServices, type BundleFile } from '../../src/app/services.ts';
import {
  makeVerifyWorkerClient,
  WorkerUnavailableError,
  type WorkerLike,
} from '../../src/app/worker-client.ts';
import type { VerifyRequest, WorkerResponse } from '../../worker/protocol.ts';
import { runVerifyJob, type VerifyJobResult } from '../../worker/verify-job.ts';
import { sampleBundle, signer } from '../helpers/bundles.ts';

class FakeWorker extends EventTarget implements WorkerLike {
  readonly requests: { message: VerifyRequest; transfer: Transferable[] }[] = [];
  terminated = false;

  postMessage(message: VerifyRequest, transfer: Transferable[]): void {
    this.requests.push({ message, transfer });
  }
  reply(response: WorkerResponse): void {
    this.dispatchEvent(new MessageEvent('message', { data: response }));
  }
  crash(): void {
    this.dispatchEvent(new Event('error', { cancelable: true }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

const job = (code: 'TOO_LARGE' | 'MALFORMED_INPUT'): VerifyJobResult => ({
  result: { ok: false, problem: { code, message: code, details: [] } },
});

/** Resolves once the service has read the file and posted it to the worker. */
async function untilRequested(worker: FakeWorker): Promise<VerifyRequest> {
  while (worker.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  return worker.requests[0]?.message as VerifyRequest;
}

const fileOf = (name: string, text: string): BundleFile => new File([text], name);

describe('verify worker client', () => {
  it('matches responses to requests by id, in any order, and transfers the bytes', async () => {
    const worker = new FakeWorker();
    const client = makeVerifyWorkerClient(() => worker);
    const first = new ArrayBuffer(1);
    const a = client.verify(first);
    const b = client.verify(new ArrayBuffer(2));
    const [ra, rb] = worker.requests;
    expect(ra?.transfer).toEqual([first]);
    worker.reply({ kind: 'verified', id: rb?.message.id ?? -1, job: job('TOO_LARGE') });
    worker.reply({ kind: 'verified', id: ra?.message.id ?? -1, job: job('MALFORMED_INPUT') });
    expect((await a).result).toMatchObject({ problem: { code: 'MALFORMED_INPUT' } });
    expect((await b).result).toMatchObject({ problem: { code: 'TOO_LARGE' } });
  });

  it("rejects with the worker's serialised error, code intact", async () => {
    const worker = new FakeWorker();
    const client = makeVerifyWorkerClient(() => worker);
    const answer = client.verify(new ArrayBuffer(1));
    const error = { name: 'PatchtrailError', message: 'bad', code: 'UNSAFE_PATH' as const };
    worker.reply({ kind: 'error', id: worker.requests[0]?.message.id ?? -1, error });
    await expect(answer).rejects.toBeInstanceOf(PatchtrailError);
    await expect(answer).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(client.usable).toBe(true);
  });

  it('gives up on a worker that errors: pending and later requests reject as unavailable', async () => {
    const worker = new FakeWorker();
    const client = makeVerifyWorkerClient(() => worker);
    const pending = client.verify(new ArrayBuffer(1));
    worker.crash();
    await expect(pending).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(client.verify(new ArrayBuffer(1))).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect(worker.terminated).toBe(true);
    expect(client.usable).toBe(false);
  });

  it('reports a worker that cannot be constructed as unavailable', async () => {
    const client = makeVerifyWorkerClient(() => {
      throw new Error('Worker is not defined');
    });
    await expect(client.verify(new ArrayBuffer(1))).rejects.toThrow(/could not start/);
  });
});

describe('verify service', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses a file over the limit with TOO_LARGE without reading it', async () => {
    const services = makeServices({ startWorker: () => new FakeWorker() });
    const huge: BundleFile = {
      name: 'huge.json',
      size: MAX_BUNDLE_BYTES + 1,
      arrayBuffer: () => Promise.reject(new Error('must not be read')),
    };
    const check = await services.verifyBundleFile(huge);
    expect(check).toMatchObject({ verdict: 'rejected', engine: 'none' });
    expect(check.problem?.code).toBe('TOO_LARGE');
  });

  it('verifies on the main thread when no worker can start, and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const services = makeServices({
      startWorker: () => {
        throw new Error('no workers here');
      },
    });
    const check = await services.verifyBundleFile(
      fileOf('valid.json', serializeBundle(await sampleBundle(1))),
    );
    expect(check).toMatchObject({ verdict: 'verified', engine: 'main-thread' });
    expect(check.signatures).toMatchObject([{ role: 'author', status: 'valid' }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no workers here'));
  });

  it('falls back to the main thread when the worker dies mid-request', async () => {
    const worker = new FakeWorker();
    const services = makeServices({ startWorker: () => worker });
    const text = serializeBundle(await sampleBundle(1));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const checking = services.verifyBundleFile(fileOf('valid.json', text));
    await untilRequested(worker);
    worker.crash();
    expect(await checking).toMatchObject({ verdict: 'verified', engine: 'main-thread' });
  });

  it('uses the worker answer, and marks a forged author signature invalid with claims', async () => {
    const worker = new FakeWorker();
    const services = makeServices({ startWorker: () => worker });
    const bundle = await sampleBundle(1);
    const payload = Buffer.from(bundle.envelope.payload, 'base64').toString('utf8');
    bundle.envelope.payload = Buffer.from(payload.replace('typo', 'tpyo')).toString('base64');
    const checking = services.verifyBundleFile(fileOf('forged.json', serializeBundle(bundle)));
    const request = await untilRequested(worker);
    const answer = await runVerifyJob(new Uint8Array(request.bytes));
    worker.reply({ kind: 'verified', id: request.id, job: structuredClone(answer) });
    const check = await checking;
    expect(check).toMatchObject({ verdict: 'rejected', engine: 'worker' });
    expect(check.problem?.code).toBe('INVALID_SIGNATURE');
    expect(check.signatures).toMatchObject([
      { role: 'author', did: (await signer(1)).did, status: 'invalid' },
    ]);
    expect(check.claims?.reason).toBe('Fix greeting tpyo');
    expect(check.report).toBeUndefined();
  });
});
