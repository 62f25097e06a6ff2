/**
 * Browser entry bundled by ./reputation.test.ts and tests/bench/reputation.bench.ts: the real
 * reputation engine from src/core/reputation on `window`, so `page.evaluate` can run it on the
 * same inputs as Node. Loaded as a module Worker (this same file), it answers one measuring
 * request per message, so the bench can time the engine off the main thread too.
 */
import {
  computeReputation,
  defaultReputationParams,
  type ReputationParams,
} from '../../src/core/reputation/index.ts';
import { measure, type MeasureRequest, type Measured } from '../bench/reputation-measure.ts';
import {
  inputFromJson,
  summarize,
  syntheticInput,
  type JsonInput,
  type ResultSummary,
} from './reputation-synthetic.ts';

function compute(json: JsonInput, params: ReputationParams): ResultSummary {
  return summarize(computeReputation(inputFromJson(json), params));
}

function synthetic(nodes: number, edgesPerNode: number, seed: number, asOf: string): ResultSummary {
  return summarize(
    computeReputation(syntheticInput(nodes, edgesPerNode, seed), defaultReputationParams(asOf)),
  );
}

/** The same measurement in a module Worker started from this very bundle. */
function measureInWorker(request: MeasureRequest): Promise<Measured> {
  const worker = new Worker(new URL(import.meta.url), { type: 'module' });
  return new Promise<Measured>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<Measured | { error: string }>) => {
      worker.terminate();
      if ('error' in event.data) reject(new Error(event.data.error));
      else resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

const api = { compute, synthetic, measure, measureInWorker };
export type ReputationPageApi = typeof api;

declare global {
  interface Window {
    patchtrailReputation: ReputationPageApi;
  }
}

if (typeof window !== 'undefined') {
  window.patchtrailReputation = api;
} else {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent<MeasureRequest>) => void) | null;
    postMessage(message: unknown): void;
  };
  scope.onmessage = (event) => {
    try {
      scope.postMessage(measure(event.data));
    } catch (error) {
      scope.postMessage({ error: String(error) });
    }
  };
}
